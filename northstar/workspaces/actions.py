"""Every write to workspaces, people, teams and tokens: validate → permission → save → audit."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _

from northstar.workspaces import audit
from northstar.workspaces.errors import FieldError, PermissionDenied, StaleVersion, ValidationFailed
from northstar.workspaces.models import (
    ApiToken,
    Invitation,
    Membership,
    Role,
    Team,
    TeamMember,
    User,
    Workspace,
    hash_token,
)
from northstar.workspaces.permissions import CHANGE, DELETE, Actor, access, actor_for, descendants

TOKEN_PREFIX = "ns_"


def unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "workspace"
    slug, n = base, 2
    while Workspace.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def create_workspace(owner: User, *, name: str, language: str = "en", slug: str | None = None) -> Workspace:
    """Create a workspace with `owner` as its owner and a root team of the same name."""
    if not name.strip():
        raise ValidationFailed.one("name", _("Give the workspace a name."))
    workspace = Workspace.objects.create(name=name.strip(), slug=slug or unique_slug(name), language=language)
    Membership.objects.create(workspace=workspace, user=owner, role=Role.OWNER)
    actor = actor_for(owner, workspace)
    audit.record(actor, "create", workspace, after={"name": workspace.name, "slug": workspace.slug})
    return workspace


@transaction.atomic
def update_workspace(actor: Actor, **changes: Any) -> Workspace:
    actor.require("admin")
    workspace = Workspace.objects.select_for_update().get(pk=actor.workspace.pk)
    before = audit.snapshot(workspace)
    errors: list[FieldError] = []
    if "name" in changes and not str(changes["name"]).strip():
        errors.append(FieldError("name", _("Give the workspace a name.")))
    cadence = changes.get("check_in_cadence_days", workspace.check_in_cadence_days)
    if not isinstance(cadence, int) or not 1 <= cadence <= 365:
        errors.append(FieldError("check_in_cadence_days", _("The cadence must be from 1 to 365 days.")))
    threshold = changes.get("orphan_threshold", workspace.orphan_threshold)
    if not isinstance(threshold, int | float) or not 0 <= threshold <= 1:
        errors.append(
            FieldError("orphan_threshold", _("The threshold is a share from 0 to 1 (0 % to 100 %)."))
        )
    for field in ("grade_aspirational", "grade_committed"):
        value = changes.get(field, getattr(workspace, field))
        if not isinstance(value, int | float) or not 0 <= value <= 1:
            errors.append(FieldError(field, _("A score from 0 to 1.")))
    if errors:
        raise ValidationFailed(errors)
    if changes.get("classic_score", workspace.classic_score) not in {"none", "rice", "wsjf"}:
        raise ValidationFailed.one("classic_score", _("Choose none, RICE or WSJF."))
    if "coach_disabled_rules" in changes:
        changes["coach_disabled_rules"] = _coach_rules(changes["coach_disabled_rules"])
    fields = (
        "name",
        "language",
        "check_in_cadence_days",
        "rollup_includes_aligned",
        "orphan_threshold",
        "classic_score",
        "grade_aspirational",
        "grade_committed",
        "coach_disabled_rules",
    )
    for field in fields:
        if field in changes:
            setattr(workspace, field, changes[field])
    workspace.save(update_fields=[field for field in fields if field in changes])
    audit.record(actor, "update", workspace, before=before, after=audit.snapshot(workspace))
    return workspace


def _coach_rules(value: Any) -> list[str]:
    from northstar.core.lint import RULES

    known = {r.id for r in RULES}
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValidationFailed.one("coach_disabled_rules", _("A list of rule ids."))
    unknown = sorted(set(value) - known)
    if unknown:
        raise ValidationFailed.one(
            "coach_disabled_rules", _("No such coach rule: %(ids)s.") % {"ids": ", ".join(unknown)}
        )
    return sorted(set(value))


@transaction.atomic
def delete_workspace(actor: Actor) -> None:
    """Delete a workspace and everything in it (the demo's --reset). Owners only; the people keep their accounts."""
    actor.require("owner")
    workspace = Workspace.objects.select_for_update().get(pk=actor.workspace.pk)
    from northstar.okrs.models import Objective, Period
    from northstar.roadmap.models import WorkItem

    # Rows inside a workspace PROTECT each other against stray deletes (a team with objectives or work, a parent
    # period); remove those links first so that the cascade from the workspace can take every row at once.
    WorkItem.objects.filter(workspace=workspace).delete()
    Objective.objects.filter(workspace=workspace).delete()
    Period.objects.filter(workspace=workspace).update(parent=None)
    Team.objects.filter(workspace=workspace).update(parent=None)
    workspace.delete()


# --- people -----------------------------------------------------------------------------------------------------


def get_or_create_user(email: str, *, name: str = "", password: str | None = None) -> tuple[User, bool]:
    email = email.strip().lower()
    try:
        validate_email(email)
    except Exception as exc:
        raise ValidationFailed.one("email", _("Enter a valid email address.")) from exc
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user, False
    return User.objects.create_user(email, password, name=name), True


@transaction.atomic
def add_member(
    actor: Actor | None, workspace: Workspace, user: User, role: str, teams: list[Team] = ()
) -> Membership:  # type: ignore[assignment]
    """Add a person to a workspace. `actor` None is the system (demo loader, CLI bootstrap, invitation accept)."""
    if actor is not None:
        actor.require("admin")
        if role == Role.OWNER and actor.role != Role.OWNER:
            raise PermissionDenied(_("Only an owner can make someone an owner."))
    if role not in Role.values:
        raise ValidationFailed.one("role", _("Choose owner, admin, editor or viewer."))
    membership, created = Membership.objects.get_or_create(
        workspace=workspace, user=user, defaults={"role": role}
    )
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    for team in teams:
        TeamMember.objects.get_or_create(workspace=workspace, team=team, user=user)
    recorder = actor or actor_for(user, workspace)
    audit.record(
        recorder, "create" if created else "update", membership, after={"user": user.email, "role": role}
    )
    return membership


@transaction.atomic
def invite_member(actor: Actor, *, email: str, role: str = Role.EDITOR, base_url: str = "") -> Invitation:
    actor.require("admin")
    email = email.strip().lower()
    try:
        validate_email(email)
    except Exception as exc:
        raise ValidationFailed.one("email", _("Enter a valid email address.")) from exc
    if role not in Role.values or (role == Role.OWNER and actor.role != Role.OWNER):
        raise ValidationFailed.one("role", _("Choose admin, editor or viewer."))
    if Membership.objects.filter(workspace=actor.workspace, user__email=email).exists():
        raise ValidationFailed.one("email", _("This person is already a member."))
    invitation = Invitation.objects.create(
        workspace=actor.workspace, email=email, role=role, invited_by=actor.user
    )
    link = f"{base_url}/invitations/{invitation.token}/"
    invitee = User.objects.filter(email=email).first()
    with override(
        (invitee.language if invitee else "") or actor.workspace.language or settings.LANGUAGE_CODE
    ):
        send_mail(
            gettext("You are invited to %(workspace)s on northstar") % {"workspace": actor.workspace.name},
            gettext(
                "%(inviter)s invited you to join %(workspace)s as %(role)s.\n\nAccept the invitation: %(link)s\n"
            )
            % {
                "inviter": actor.user.display_name if actor.user else "northstar",
                "workspace": actor.workspace.name,
                "role": Role(role).label,
                "link": link,
            },
            None,
            [email],
        )
    audit.record(actor, "invite", invitation, after={"email": email, "role": role})
    return invitation


@transaction.atomic
def accept_invitation(
    token: str, *, user: User | None, name: str = "", password: str | None = None
) -> Membership:
    invitation = Invitation.objects.select_for_update().filter(token=token, accepted_at__isnull=True).first()
    if invitation is None or invitation.created_at < timezone.now() - dt.timedelta(days=14):
        raise ValidationFailed.one("token", _("This invitation is no longer valid. Ask for a new one."))
    if user is None:
        # Someone who is not signed in may only create a new account; an existing one must prove it is theirs.
        if User.objects.filter(email=invitation.email).exists():
            raise ValidationFailed.one(
                "email", _("An account with this email exists already. Sign in to accept.")
            )
        user, _created = get_or_create_user(invitation.email, name=name, password=password)
    elif user.email != invitation.email:
        raise ValidationFailed.one("email", _("This invitation was sent to another email address."))
    membership = add_member(None, invitation.workspace, user, invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership


@transaction.atomic
def change_role(actor: Actor, membership_id: int, role: str) -> Membership:
    actor.require("admin")
    membership = access(Membership.objects.select_related("user"), actor, membership_id, CHANGE)
    if role not in Role.values:
        raise ValidationFailed.one("role", _("Choose owner, admin, editor or viewer."))
    if Role.OWNER in (role, membership.role) and actor.role != Role.OWNER:
        raise PermissionDenied(_("Only an owner can change an owner."))
    if membership.role == Role.OWNER and role != Role.OWNER:
        owners = Membership.objects.filter(workspace=actor.workspace, role=Role.OWNER).count()
        if owners <= 1:
            raise ValidationFailed.one("role", _("A workspace needs at least one owner."))
    before = {"role": membership.role}
    membership.role = role
    membership.save(update_fields=["role"])
    audit.record(actor, "update", membership, before=before, after={"role": role})
    return membership  # type: ignore[no-any-return]


@transaction.atomic
def remove_member(actor: Actor, membership_id: int) -> None:
    actor.require("admin")
    membership = access(Membership.objects.select_related("user"), actor, membership_id, DELETE)
    if membership.role == Role.OWNER:
        if actor.role != Role.OWNER:
            raise PermissionDenied(_("Only an owner can remove an owner."))
        if Membership.objects.filter(workspace=actor.workspace, role=Role.OWNER).count() <= 1:
            raise ValidationFailed.one("role", _("A workspace needs at least one owner."))
    TeamMember.objects.filter(workspace=actor.workspace, user=membership.user).delete()
    audit.record(actor, "delete", membership, before={"user": membership.user.email, "role": membership.role})
    membership.delete()


@transaction.atomic
def set_language(user: User, language: str) -> User:
    if language not in {code for code, _name in settings.LANGUAGES} | {""}:
        raise ValidationFailed.one("language", _("Choose English or Svenska."))
    user.language = language
    user.save(update_fields=["language"])
    return user


# --- teams ------------------------------------------------------------------------------------------------------


def _check_team_parent(actor: Actor, team: Team | None, parent_id: int | None) -> Team | None:
    if parent_id is None:
        return None
    parent = Team.objects.restrict(actor).filter(pk=parent_id).first()
    if parent is None:
        raise ValidationFailed.one("parent", _("No such team in this workspace."))
    if team is not None:
        children: dict[int | None, list[int]] = {}
        for pk, parent_pk in Team.objects.filter(workspace=actor.workspace).values_list("id", "parent_id"):
            children.setdefault(parent_pk, []).append(pk)
        if parent.pk in descendants(children, frozenset({team.pk})):
            raise ValidationFailed.one(
                "parent", _("A team cannot sit under itself or one of its own sub-teams.")
            )
    return parent  # type: ignore[no-any-return]


@transaction.atomic
def create_team(actor: Actor, *, name: str, parent: int | None = None, key: str | None = None) -> Team:
    actor.require("admin")
    if not name.strip():
        raise ValidationFailed.one("name", _("Give the team a name."))
    parent_team = _check_team_parent(actor, None, parent)
    from northstar.okrs.actions import check_key_free, unique_key

    if key:
        check_key_free(Team, actor.workspace.pk, key)
    team = Team.objects.create(
        workspace=actor.workspace,
        name=name.strip(),
        parent=parent_team,
        key=key or unique_key(Team, actor.workspace.pk, name),
    )
    audit.record(actor, "create", team, after=audit.snapshot(team))
    return team


@transaction.atomic
def update_team(actor: Actor, team_id: int, *, expected_version: int | None = None, **changes: Any) -> Team:
    actor.require("admin")
    team = access(Team.objects.select_for_update(), actor, team_id, CHANGE)
    if expected_version is not None and team.version != expected_version:
        raise StaleVersion(team.version)
    before = audit.snapshot(team)
    if "name" in changes:
        if not str(changes["name"]).strip():
            raise ValidationFailed.one("name", _("Give the team a name."))
        team.name = changes["name"].strip()
    if "parent" in changes:
        team.parent = _check_team_parent(actor, team, changes["parent"])
    team.version += 1
    team.save()
    audit.record(actor, "update", team, before=before, after=audit.snapshot(team))
    return team  # type: ignore[no-any-return]


@transaction.atomic
def delete_team(actor: Actor, team_id: int) -> None:
    actor.require("admin")
    team = access(Team.objects, actor, team_id, DELETE)
    if team.children.exists() or team.objectives.exists():
        raise ValidationFailed.one("team", _("This team still has sub-teams or objectives; move them first."))
    audit.record(actor, "delete", team, before=audit.snapshot(team))
    team.delete()


@transaction.atomic
def set_team_members(actor: Actor, team_id: int, user_ids: list[int]) -> Team:
    actor.require("admin")
    team = access(Team.objects, actor, team_id, CHANGE)
    members = set(
        Membership.objects.filter(workspace=actor.workspace, user_id__in=user_ids).values_list(
            "user_id", flat=True
        )
    )
    if members != set(user_ids):
        raise ValidationFailed.one("members", _("Only members of the workspace can be in a team."))
    before = sorted(TeamMember.objects.filter(team=team).values_list("user_id", flat=True))
    TeamMember.objects.filter(team=team).exclude(user_id__in=members).delete()
    TeamMember.objects.bulk_create(
        [TeamMember(workspace=actor.workspace, team=team, user_id=pk) for pk in members if pk not in before]
    )
    audit.record(actor, "update", team, before={"members": before}, after={"members": sorted(members)})
    return team  # type: ignore[no-any-return]


# --- API tokens -------------------------------------------------------------------------------------------------


TOKEN_SCOPES = ("", "kr_values")


@transaction.atomic
def create_api_token(
    actor: Actor, *, name: str, expires_in_days: int | None = 90, read_only: bool = False, scope: str = ""
) -> tuple[ApiToken, str]:
    """Returns the token row and the raw secret, which is shown once and never stored."""
    if not actor.is_member or actor.user is None:
        raise PermissionDenied(_("Only members can create API tokens."))
    errors: list[FieldError] = []
    if not name.strip():
        errors.append(FieldError("name", _("Name the token after the script that will use it.")))
    if expires_in_days is not None and not 1 <= expires_in_days <= 366:
        errors.append(FieldError("expires_in_days", _("A token can live from 1 to 366 days.")))
    if scope not in TOKEN_SCOPES:
        errors.append(FieldError("scope", _("A token's use is empty (the whole API) or kr_values.")))
    if errors:
        raise ValidationFailed(errors)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        workspace=actor.workspace,
        user=actor.user,
        name=name.strip(),
        prefix=raw[:10],
        token_hash=hash_token(raw),
        read_only=read_only or not actor.can_edit,
        scope=scope,
        expires_at=timezone.now() + dt.timedelta(days=expires_in_days) if expires_in_days else None,
    )
    audit.record(actor, "create", token, after={"name": token.name, "prefix": token.prefix})
    return token, raw


@transaction.atomic
def revoke_api_token(actor: Actor, token_id: int) -> ApiToken:
    token = access(ApiToken.objects, actor, token_id, DELETE)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor, "revoke", token, after={"name": token.name, "prefix": token.prefix})
    return token  # type: ignore[no-any-return]


def usable_token(raw: str, **annotations: Any) -> ApiToken | None:
    """The token with this secret, with its user and workspace and ``annotations`` read in the same query, if it
    may be used now (its use is noted)."""
    token = (
        ApiToken.objects.select_related("user", "workspace")
        .annotate(**annotations)
        .filter(token_hash=hash_token(raw))
        .first()
    )
    now = timezone.now()
    if token is None or not token.is_usable(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def authenticate_token(raw: str) -> tuple[User, Actor] | None:
    token = usable_token(raw)
    if token is None:
        return None
    return token.user, actor_for(token.user, token.workspace, read_only=token.read_only, scope=token.scope)
