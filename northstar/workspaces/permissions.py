"""The permission gate: who (an Actor) may do what to which rows.

Every page, API endpoint, export and CLI command builds one Actor and reads through
`Model.objects.restrict(actor, action)`. Outsiders get empty querysets, so a missing object and a forbidden one
look the same (404) to someone outside the workspace.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

if TYPE_CHECKING:
    from northstar.workspaces.models import User, Workspace

VIEW, CHANGE, DELETE, CHECK_IN = "view", "change", "delete", "check_in"
ACTIONS = (VIEW, CHANGE, DELETE, CHECK_IN)
ROLE_RANK = {"viewer": 1, "editor": 2, "admin": 3, "owner": 4}


class PermissionDenied(Exception):
    """The actor may see the object but not do this to it (HTTP 403)."""


class NotFound(Exception):
    """No such object for this actor (HTTP 404): missing, in another workspace, or private to another team."""


@dataclass(frozen=True)
class Actor:
    user: User | None
    workspace: Workspace
    role: str | None
    team_ids: frozenset[int] = field(default_factory=frozenset)
    covered_team_ids: frozenset[int] = field(default_factory=frozenset)
    read_only: bool = False
    scope: str = ""  # an API token's narrow use ("kr_values": post key result values, nothing else)

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.user is not None else None

    @property
    def rights_key(self) -> tuple[Any, ...]:
        """Everything besides the workspace that what this actor may read and do depends on: a key for what is
        kept per viewer."""
        return self.user_id, self.role, self.read_only, self.scope, self.team_ids, self.covered_team_ids

    @property
    def is_member(self) -> bool:
        return self.role is not None and self.user is not None

    def has_role(self, at_least: str) -> bool:
        return (
            self.is_member
            and ROLE_RANK[self.role or "viewer"] >= ROLE_RANK[at_least]
            and not (self.read_only and ROLE_RANK[at_least] > ROLE_RANK["viewer"])
        )

    @property
    def is_admin(self) -> bool:
        return self.has_role("admin")

    @property
    def can_edit(self) -> bool:
        return self.has_role("editor")

    def require(self, at_least: str) -> None:
        if not self.is_member:
            raise NotFound
        if not self.has_role(at_least):
            raise PermissionDenied


def descendants(children: dict[int | None, list[int]], roots: frozenset[int]) -> frozenset[int]:
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        stack.extend(children.get(node, []))
    return frozenset(seen)


def role_in(workspace: Workspace, user_id: int) -> str | None:
    """The user's role in the workspace; None when they are not a member."""
    from northstar.workspaces.models import Membership

    return (
        Membership.objects.filter(workspace=workspace, user_id=user_id).values_list("role", flat=True).first()
    )  # type: ignore[no-any-return]


def actor_for(user: Any, workspace: Workspace, *, read_only: bool = False, scope: str = "") -> Actor:
    """Build the Actor for a user in a workspace in two queries (membership, team tree with the user's teams)."""
    from northstar.workspaces.models import Team, TeamMember

    if user is None or not getattr(user, "is_authenticated", False):
        return Actor(user=None, workspace=workspace, role=None)
    role = role_in(workspace, user.pk)
    if role is None:
        return Actor(user=user, workspace=workspace, role=None)
    children: dict[int | None, list[int]] = {}
    for team_id, parent_id in Team.objects.filter(workspace=workspace).values_list("id", "parent_id"):
        children.setdefault(parent_id, []).append(team_id)
    mine = frozenset(
        TeamMember.objects.filter(workspace=workspace, user=user).values_list("team_id", flat=True)
    )
    return Actor(
        user=user,
        workspace=workspace,
        role=role,
        team_ids=mine,
        covered_team_ids=descendants(children, mine),
        read_only=read_only,
        scope=scope,
    )


# --- rules per model -------------------------------------------------------------------------------------------
# Each rule returns a Q (or None for "everything in the workspace") for an actor who is a member.
# Admins and owners may do everything in their workspace; rules only narrow for editors and viewers.


def _objective_visible(actor: Actor, prefix: str = "") -> Q:
    return (
        Q(**{f"{prefix}visibility": "workspace"})
        | Q(**{f"{prefix}team_id__in": actor.covered_team_ids})
        | Q(**{f"{prefix}owner_id": actor.user_id})
    )


def _objective_editable(actor: Actor, prefix: str = "") -> Q:
    return Q(**{f"{prefix}team_id__in": actor.covered_team_ids}) | Q(**{f"{prefix}owner_id": actor.user_id})


NOTHING = Q(pk__in=[])


def _rule(label: str, actor: Actor, action: str) -> Q | None:
    if label in ("integrations.webhook", "integrations.webhookdelivery"):  # they hold secrets: admins only
        return None if actor.is_admin else NOTHING
    if label in ("integrations.livesource", "integrations.inboundvalue"):  # addresses and queries: editors
        return None if actor.can_edit else NOTHING
    if label == "exchange.pendingimport":  # an upload waiting for its confirmation is its uploader's alone
        return Q(user_id=actor.user_id) if actor.can_edit else NOTHING
    if actor.is_admin:
        if label == "workspaces.apitoken":
            return None if action == VIEW else Q(user_id=actor.user_id)
        return None
    if label == "okrs.objective":
        if action == VIEW:
            return _objective_visible(actor)
        return _objective_editable(actor) if actor.can_edit else NOTHING
    if label == "okrs.keyresult":
        if action == VIEW:
            return _objective_visible(actor, "objective__")
        if action == CHECK_IN:
            return (
                (_objective_editable(actor, "objective__") | Q(owner_id=actor.user_id))
                if actor.can_edit
                else NOTHING
            )
        return (
            (_objective_editable(actor, "objective__") | Q(owner_id=actor.user_id))
            if actor.can_edit
            else NOTHING
        )
    if label == "okrs.checkin":
        if action == VIEW:
            return _objective_visible(actor, "key_result__objective__")
        return Q(author_id=actor.user_id) if actor.can_edit else NOTHING
    if label == "roadmap.workitem":
        if action == VIEW:
            return None
        return (
            (Q(team_id__in=actor.covered_team_ids) | Q(owner_id=actor.user_id)) if actor.can_edit else NOTHING
        )
    if label == "roadmap.dependency":
        if action == VIEW:
            return None
        editable = Q(successor__team_id__in=actor.covered_team_ids) | Q(successor__owner_id=actor.user_id)
        return editable if actor.can_edit else NOTHING
    if label == "roadmap.contribution":
        if action == VIEW:
            # A link to a private objective's key result is as private as that objective.
            return (Q(key_result__isnull=False) & _objective_visible(actor, "key_result__objective__")) | (
                Q(objective__isnull=False) & _objective_visible(actor, "objective__")
            )
        editable = Q(work_item__team_id__in=actor.covered_team_ids) | Q(work_item__owner_id=actor.user_id)
        return editable if actor.can_edit else NOTHING
    if label in {
        "roadmap.baseline", "roadmap.baselineitem", "roadmap.scenario", "roadmap.scenariochange", "insights.review",
    }:  # fmt: skip
        # Scenarios and reviews are shared drafts: any editor may shape them. Applying one writes through the roadmap's own
        # actions, which check the actor's rights on every item and capacity it touches.
        return None if action == VIEW or actor.can_edit else NOTHING
    if label == "workspaces.apitoken":
        return Q(user_id=actor.user_id)
    if label == "workspaces.auditentry":
        if action != VIEW:
            return NOTHING
        from northstar.okrs.models import Objective

        visible = Objective.objects.filter(workspace=actor.workspace).filter(_objective_visible(actor))
        return Q(objective_ref__isnull=True) | Q(objective_ref__in=visible.values("id"))
    # Teams, periods, members, invitations: everyone in the workspace sees them; only admins change them.
    return None if action == VIEW else NOTHING


def restrict_queryset(qs: QuerySet[Any], actor: Actor, action: str) -> QuerySet[Any]:
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if not actor.is_member:
        return qs.none()
    if action != VIEW and actor.read_only:
        return qs.none()
    qs = qs.filter(workspace=actor.workspace)
    rule = _rule(qs.model._meta.label_lower, actor, action)
    return qs if rule is None else qs.filter(rule)


def access(qs: QuerySet[Any], actor: Actor, pk: Any, action: str = VIEW) -> Any:
    """Fetch one object for an action: NotFound when the actor cannot see it, PermissionDenied when they see it
    but may not do the action."""
    try:
        obj = qs.restrict(actor, VIEW).get(pk=pk)  # type: ignore[attr-defined]
    except (qs.model.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise NotFound from exc
    if action != VIEW and not qs.model.objects.restrict(actor, action).filter(pk=obj.pk).exists():
        raise PermissionDenied
    return obj
