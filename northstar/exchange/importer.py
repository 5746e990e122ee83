"""Import an OKR document: validate all of it, then write it through the action functions in one transaction.

Two modes:

- **create** (default): a new workspace; the importing user, or else the file's first owner, becomes its owner.
- **update** (`workspace=`): rows are matched by their keys (people by email, check-ins by key result, moment and
  value) and only what differs is written, so importing the same file twice changes nothing. An import never
  deletes: rows the file does not mention stay as they are. The file's `workspace` section updates the workspace's
  name and settings; for the people it lists, the file says exactly which teams they are in. Check-ins that match
  are left as they are (there is no editing a check-in).

Either everything is written or nothing: the first failing action rolls the whole import back, and its message
comes back with the path of the row that caused it. People are created with unusable passwords (they set one
through "forgot password" or an invitation) unless a `password` is given, as the demo does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from northstar.exchange.schema import Existing, PersonSpec, Plan, validate_document
from northstar.okrs import actions as okr_actions
from northstar.okrs.models import Alignment, CheckIn, KeyResult, Objective, Period
from northstar.roadmap import actions as roadmap_actions
from northstar.roadmap.models import Contribution, Dependency, TeamCapacity, WorkItem
from northstar.workspaces import actions as ws_actions
from northstar.workspaces.errors import FieldError, NotFound, PermissionDenied, StaleVersion, ValidationFailed
from northstar.workspaces.models import Membership, Role, Team, TeamMember, User, Workspace
from northstar.workspaces.permissions import Actor, actor_for

# The rows an import reports on, in the order it writes them, with their names for people.
SECTION_LABELS = {
    "workspace": gettext_lazy("Workspace"),
    "periods": gettext_lazy("Periods"),
    "teams": gettext_lazy("Teams"),
    "people": gettext_lazy("People"),
    "objectives": gettext_lazy("Objectives"),
    "key_results": gettext_lazy("Key results"),
    "check_ins": gettext_lazy("Check-ins"),
    "work": gettext_lazy("Work items"),
    "dependencies": gettext_lazy("Dependencies"),
    "contributions": gettext_lazy("Contributions"),
    "capacity": gettext_lazy("Capacity"),
}

ProgressCallback = Callable[[str, int, int], None]  # (section, done, total)


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    workspace_slug: str
    workspace_name: str
    created_workspace: bool
    dry_run: bool
    tallies: dict[str, Tally] = field(default_factory=lambda: {name: Tally() for name in SECTION_LABELS})
    warnings: list[FieldError] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(t.created or t.updated for t in self.tallies.values())


class _DryRun(Exception):
    pass


def _error_from(exc: Exception, path: str) -> ValidationFailed:
    """An action's error, with the path of the row that caused it."""
    if isinstance(exc, ValidationFailed):
        return ValidationFailed(
            [
                FieldError(f"{path}.{e.field}" if e.field and path else (path or e.field), e.message)
                for e in exc.errors
            ]
        )
    if isinstance(exc, NotFound):
        message: Any = _("Not found, or not visible to the importing user.")
    elif isinstance(exc, StaleVersion):
        message = str(exc)
    else:
        message = str(exc) or _("The importing user may not do this.")
    return ValidationFailed.one(path, message)


@contextmanager
def _at(path: str) -> Iterator[None]:
    try:
        yield
    except (ValidationFailed, PermissionDenied, NotFound, StaleVersion) as exc:
        raise _error_from(exc, path) from exc


def existing_in(actor: Actor) -> Existing:
    """What the actor can see of a workspace, for checking references in update mode (a fixed number of queries)."""
    objectives = dict(Objective.objects.restrict(actor).values_list("pk", "key"))
    work = dict(WorkItem.objects.restrict(actor).values_list("pk", "key"))
    alignments: dict[str, list[str]] = {}
    for child_id, parent_id in Alignment.objects.restrict(actor).values_list("child_id", "parent_id"):
        if child_id in objectives and parent_id in objectives:
            alignments.setdefault(objectives[child_id], []).append(objectives[parent_id])
    return Existing(
        teams=frozenset(Team.objects.restrict(actor).values_list("key", flat=True)),
        periods=frozenset(Period.objects.restrict(actor).values_list("key", flat=True)),
        objectives=frozenset(objectives.values()),
        key_results={
            key: objectives.get(objective_id, "")
            for key, objective_id in KeyResult.objects.restrict(actor).values_list("key", "objective_id")
        },
        members=frozenset(Membership.objects.restrict(actor).values_list("user__email", flat=True)),
        alignments={k: tuple(v) for k, v in alignments.items()},
        work_items=frozenset(work.values()),
        dependencies=tuple(
            (work[pred], work[succ])
            for pred, succ in Dependency.objects.restrict(actor).values_list("predecessor_id", "successor_id")
            if pred in work and succ in work
        ),
    )


def first_owner(workspace: Workspace) -> User | None:
    membership = (
        Membership.objects.filter(workspace=workspace, role=Role.OWNER)
        .select_related("user")
        .order_by("id")
        .first()
    )
    return membership.user if membership else None


def import_document(
    document: Any,
    *,
    user: User | str | None = None,
    workspace: Workspace | None = None,
    slug: str | None = None,
    password: str | None = None,
    dry_run: bool = False,
    now: dt.datetime | None = None,
    on_progress: ProgressCallback | None = None,
) -> ImportReport:
    """Validate `document` (parsed YAML/JSON) and write it, all or nothing.

    `user` is who imports, a User or an email (in update mode: default the workspace's first owner; in create mode:
    default the file's first owner; either way they become the new workspace's owner, and a person the file lists
    is created first if need be). `slug` names a new workspace. `password` is given to people
    created by this import (the demo); otherwise they get unusable passwords. `dry_run` does everything and then
    rolls back, so the report says what would change. Raises ValidationFailed with every problem and its path.
    """
    existing = Existing()
    importer_email = None
    if isinstance(user, str):
        importer_email = user.strip().lower()
        user = User.objects.filter(email=importer_email).first()
    if slug is not None and Workspace.objects.filter(slug=slug).exists():
        raise ValidationFailed.one("workspace", _("There is already a workspace %(slug)s.") % {"slug": slug})
    if workspace is not None:
        if importer_email is not None and user is None:
            raise ValidationFailed.one("", _("There is no user %(email)s.") % {"email": importer_email})
        user = user or first_owner(workspace)
        actor = actor_for(user, workspace)
        if not actor.is_member:
            raise ValidationFailed.one(
                "",
                _("%(user)s is not a member of the workspace %(slug)s.")
                % {"user": user, "slug": workspace.slug},
            )
        existing = existing_in(actor)
    plan = validate_document(document, existing=existing, now=now, creating=workspace is None)
    importer = None
    if workspace is None and user is None:
        if importer_email is not None:
            importer = next((p for p in plan.people if p.email == importer_email), None)
            if importer is None:
                raise ValidationFailed.one(
                    "",
                    _("There is no user %(email)s, and the file does not list them in people.")
                    % {"email": importer_email},
                )
        else:
            importer = plan.first_owner()
            if importer is None:
                raise ValidationFailed.one(
                    "people",
                    _("Say who imports the file (--as EMAIL), or list an owner in people (role: owner)."),
                )
    writer = _Writer(
        plan,
        user=user,
        importer=importer,
        workspace=workspace,
        slug=slug,
        password=password,
        on_progress=on_progress,
    )
    try:
        with transaction.atomic():
            report = writer.run()
            if dry_run:
                raise _DryRun
    except _DryRun:
        report.dry_run = True
    return report


class _Writer:
    def __init__(
        self,
        plan: Plan,
        *,
        user: User | None,
        importer: PersonSpec | None,
        workspace: Workspace | None,
        slug: str | None,
        password: str | None,
        on_progress: ProgressCallback | None,
    ) -> None:
        self.plan = plan
        self.user = user
        self.importer = importer
        self.workspace = workspace
        self.slug = slug
        self.password = password
        self.on_progress = on_progress or (lambda section, done, total: None)
        self.total = len(plan.periods) + len(plan.teams) + len(plan.people) + len(plan.objectives)
        self.total += len(plan.key_results) + len(plan.check_ins) + 1
        self.total += len(plan.work) + len(plan.dependencies) + len(plan.contributions) + len(plan.capacity)
        self.done = 0
        self.users: dict[str, User] = {}

    def step(self, section: str) -> None:
        self.done += 1
        self.on_progress(section, self.done, self.total)

    def run(self) -> ImportReport:
        created = self.workspace is None
        with _at("workspace"):
            self.actor = self.open_workspace()
        workspace = self.actor.workspace
        self.report = ImportReport(
            workspace_slug=workspace.slug,
            workspace_name=workspace.name,
            created_workspace=created,
            dry_run=False,
        )
        if created:
            self.report.tallies["workspace"].created = 1
        self.update_workspace(created)
        self.step("workspace")
        self.periods()
        self.teams()
        self.people()
        self.actor = actor_for(self.actor.user, workspace)  # the importer's teams may have changed
        self.objectives()
        self.work_items()
        self.dependencies()
        self.contributions()
        self.capacity()
        self.report.workspace_name = Workspace.objects.get(pk=workspace.pk).name
        return self.report

    # --- workspace ---

    def user_for(self, email: str, name: str = "") -> User:
        if email not in self.users:
            user, created = ws_actions.get_or_create_user(email, name=name, password=self.password)
            self.users[email] = user
        return self.users[email]

    def open_workspace(self) -> Actor:
        if self.workspace is not None:
            return actor_for(self.user or first_owner(self.workspace), self.workspace)
        if self.user is None:
            assert self.importer is not None
            with _at(self.importer.path):
                self.user = self.user_for(self.importer.email, self.importer.name)
        spec = self.plan.workspace
        workspace = ws_actions.create_workspace(
            self.user, name=spec.name or "", language=spec.language or "en", slug=self.slug
        )
        return actor_for(self.user, workspace)

    def update_workspace(self, created: bool) -> None:
        spec, current = self.plan.workspace, self.actor.workspace
        changes = {
            name: getattr(spec, name)
            for name in ("name", "language", "check_in_cadence_days", "rollup_includes_aligned")
            if getattr(spec, name) is not None and getattr(spec, name) != getattr(current, name)
        }
        if changes:
            with _at("workspace"):
                ws_actions.update_workspace(self.actor, **changes)
            if not created:
                self.report.tallies["workspace"].updated = 1
        elif not created:
            self.report.tallies["workspace"].unchanged = 1

    # --- periods and teams ---

    def periods(self) -> None:
        tally = self.report.tallies["periods"]
        by_key = {p.key: p for p in Period.objects.restrict(self.actor)}
        for spec in self.plan.periods:
            parent = by_key[spec.parent].pk if spec.parent else None
            current = by_key.get(spec.key)
            with _at(spec.path):
                if current is None:
                    by_key[spec.key] = okr_actions.create_period(
                        self.actor, key=spec.key, name=spec.name, start=spec.start, end=spec.end, kind=spec.kind,
                        parent=parent, closed=spec.closed,
                    )  # fmt: skip
                    tally.created += 1
                else:
                    wanted = dict(
                        name=spec.name, start=spec.start, end=spec.end, kind=spec.kind, closed=spec.closed
                    )
                    changes: dict[str, Any] = {k: v for k, v in wanted.items() if getattr(current, k) != v}
                    if current.parent_id != parent:
                        changes["parent"] = parent
                    if changes:
                        by_key[spec.key] = okr_actions.update_period(self.actor, current.pk, **changes)
                        tally.updated += 1
                    else:
                        tally.unchanged += 1
            self.step("periods")
        self.period_ids = {key: p.pk for key, p in by_key.items()}

    def teams(self) -> None:
        tally = self.report.tallies["teams"]
        by_key = {t.key: t for t in Team.objects.restrict(self.actor)}
        for spec in self.plan.teams:
            parent = by_key[spec.parent].pk if spec.parent else None
            current = by_key.get(spec.key)
            with _at(spec.path):
                if current is None:
                    by_key[spec.key] = ws_actions.create_team(
                        self.actor, key=spec.key, name=spec.name, parent=parent
                    )
                    tally.created += 1
                else:
                    changes: dict[str, Any] = {}
                    if current.name != spec.name:
                        changes["name"] = spec.name
                    if current.parent_id != parent:
                        changes["parent"] = parent
                    if changes:
                        by_key[spec.key] = ws_actions.update_team(self.actor, current.pk, **changes)
                        tally.updated += 1
                    else:
                        tally.unchanged += 1
            self.step("teams")
        self.team_ids = {key: t.pk for key, t in by_key.items()}

    # --- people ---

    def people(self) -> None:
        tally = self.report.tallies["people"]
        workspace = self.actor.workspace
        memberships = {
            m.user.email: m for m in Membership.objects.restrict(self.actor).select_related("user")
        }
        team_members: dict[int, set[int]] = {}
        for team_id, user_id in TeamMember.objects.restrict(self.actor).values_list("team_id", "user_id"):
            team_members.setdefault(team_id, set()).add(user_id)
        changed_people: set[str] = set()
        # In a new workspace the importer's membership came with it: count them as created too.
        created_people: set[str] = (
            {self.actor.user.email} if self.workspace is None and self.actor.user else set()
        )
        for spec in self.plan.people:
            with _at(spec.path):
                user = self.user_for(spec.email, spec.name)
                if spec.name and user.name != spec.name:
                    self.report.warnings.append(
                        FieldError(
                            f"{spec.path}.name",
                            _(
                                "%(email)s already has an account named “%(name)s”; the name was left unchanged."
                            )
                            % {"email": spec.email, "name": user.name},
                        )
                    )
                membership = memberships.get(spec.email)
                if membership is None:
                    memberships[spec.email] = ws_actions.add_member(self.actor, workspace, user, spec.role)
                    created_people.add(spec.email)
                elif membership.role != spec.role and user.pk == self.actor.user_id:
                    self.report.warnings.append(
                        FieldError(
                            f"{spec.path}.role",
                            _("%(email)s keeps the role %(role)s: they are the one importing the file.")
                            % {"email": spec.email, "role": membership.role},
                        )
                    )
                elif membership.role != spec.role:
                    ws_actions.change_role(self.actor, membership.pk, spec.role)
                    changed_people.add(spec.email)
        # Team membership: the file says exactly which teams each of its people is in; others are left alone.
        listed = {self.users[p.email].pk for p in self.plan.people}
        wanted: dict[int, set[int]] = {}
        for spec in self.plan.people:
            for key in spec.teams:
                wanted.setdefault(self.team_ids[key], set()).add(self.users[spec.email].pk)
        emails = {self.users[p.email].pk: p.email for p in self.plan.people}
        paths = {p.email: p.path for p in self.plan.people}
        for team_id in sorted(set(wanted) | set(team_members)):
            current = team_members.get(team_id, set())
            desired = (current - listed) | wanted.get(team_id, set())
            if desired != current:
                moved = sorted(emails[pk] for pk in current ^ desired)
                with _at(paths[moved[0]] + ".teams"):
                    ws_actions.set_team_members(self.actor, team_id, sorted(desired))
                changed_people.update(moved)
        for spec in self.plan.people:
            if spec.email in created_people:
                tally.created += 1
            elif spec.email in changed_people:
                tally.updated += 1
            else:
                tally.unchanged += 1
            self.step("people")

    def member_id(self, email: str | None) -> int | None:
        if email is None:
            return None
        if email not in self.users:
            self.users[email] = User.objects.get(email=email)
        return self.users[email].pk

    # --- objectives, key results, check-ins ---

    def objectives(self) -> None:
        tally = self.report.tallies["objectives"]
        by_key = {o.key: o for o in Objective.objects.restrict(self.actor)}
        parents: dict[int, set[int]] = {}
        for child_id, parent_id in Alignment.objects.restrict(self.actor).values_list(
            "child_id", "parent_id"
        ):
            parents.setdefault(child_id, set()).add(parent_id)
        key_results = {kr.key: kr for kr in KeyResult.objects.restrict(self.actor)}
        check_ins = set(
            CheckIn.objects.restrict(self.actor).values_list("key_result_id", "checked_in_at", "value")
        )
        for spec in self.plan.objectives:
            wanted: dict[str, Any] = dict(
                title=spec.title, description=spec.description, team=self.team_ids[spec.team],
                owner=self.member_id(spec.owner), period=self.period_ids[spec.period] if spec.period else None,
                status=spec.status, visibility=spec.visibility, weight=spec.weight,
            )  # fmt: skip
            parent_ids = [by_key[key].pk for key in spec.aligns_to]
            current = by_key.get(spec.key)
            with _at(spec.path):
                if current is None:
                    current = by_key[spec.key] = okr_actions.create_objective(
                        self.actor, key=spec.key, parents=parent_ids, **wanted
                    )
                    tally.created += 1
                else:
                    changes = {k: v for k, v in wanted.items() if getattr(current, _column(k)) != v}
                    if parents.get(current.pk, set()) != set(parent_ids):
                        changes["parents"] = parent_ids
                    if changes:
                        current = by_key[spec.key] = okr_actions.update_objective(
                            self.actor, current.pk, **changes
                        )
                        tally.updated += 1
                    else:
                        tally.unchanged += 1
            self.step("objectives")
            for kr_spec in spec.key_results:
                kr = self.key_result(kr_spec, current, key_results)
                for ci in kr_spec.check_ins:
                    self.check_in(ci, kr_spec, spec, kr, check_ins)

    def key_result(self, spec: Any, objective: Objective, key_results: dict[str, KeyResult]) -> KeyResult:
        tally = self.report.tallies["key_results"]
        wanted: dict[str, Any] = dict(
            title=spec.title, description=spec.description, kind=spec.kind, unit=spec.unit, start=spec.start,
            target=spec.target, low=spec.low, high=spec.high, weight=spec.weight, owner=self.member_id(spec.owner),
        )  # fmt: skip
        current = key_results.get(spec.key)
        with _at(spec.path):
            if current is None:
                current = key_results[spec.key] = okr_actions.create_key_result(
                    self.actor, objective.pk, key=spec.key, **wanted
                )
                tally.created += 1
            else:
                changes = {k: v for k, v in wanted.items() if getattr(current, _column(k)) != v}
                if changes:
                    current = key_results[spec.key] = okr_actions.update_key_result(
                        self.actor, current.pk, **changes
                    )
                    tally.updated += 1
                else:
                    tally.unchanged += 1
        self.step("key_results")
        return current

    def check_in(self, spec: Any, kr_spec: Any, objective_spec: Any, kr: KeyResult, seen: set[Any]) -> None:
        tally = self.report.tallies["check_ins"]
        if (kr.pk, spec.at, spec.value) in seen:
            tally.unchanged += 1
        else:
            # Without `by`, a check-in is the key result owner's, else the objective owner's, else the importer's.
            author = spec.by or kr_spec.owner or objective_spec.owner
            with _at(spec.path):
                okr_actions.do_check_in(
                    self.actor, kr.pk, value=spec.value, confidence=spec.confidence, comment=spec.comment,
                    checked_in_at=spec.at, author=self.member_id(author),
                )  # fmt: skip
            seen.add((kr.pk, spec.at, spec.value))
            tally.created += 1
        self.step("check_ins")

    # --- the roadmap: work items, dependencies, contributions, capacity ---

    def work_items(self) -> None:
        tally = self.report.tallies["work"]
        by_key = {w.key: w for w in WorkItem.objects.restrict(self.actor)}
        for spec in self.plan.work:  # tree order: a parent is written before its children
            wanted: dict[str, Any] = dict(
                title=spec.title, description=spec.description, kind=spec.kind, team=self.team_ids[spec.team],
                owner=self.member_id(spec.owner), parent=by_key[spec.parent].pk if spec.parent else None,
                start=spec.start, end=spec.end, status=spec.status, estimate_days=spec.estimate_days,
                effort_done_days=spec.effort_done_days,
            )  # fmt: skip
            current = by_key.get(spec.key)
            with _at(spec.path):
                if current is None:
                    by_key[spec.key] = roadmap_actions.create_work_item(self.actor, key=spec.key, **wanted)
                    tally.created += 1
                else:
                    changes = {k: v for k, v in wanted.items() if getattr(current, _column(k)) != v}
                    if changes:
                        by_key[spec.key] = roadmap_actions.update_work_item(self.actor, current.pk, **changes)
                        tally.updated += 1
                    else:
                        tally.unchanged += 1
            self.step("work")
        self.work_ids = {key: w.pk for key, w in by_key.items()}

    def dependencies(self) -> None:
        tally = self.report.tallies["dependencies"]
        current = {(d.predecessor_id, d.successor_id): d for d in Dependency.objects.restrict(self.actor)}
        graph: dict[int, list[int]] = {}  # for the loop checks, kept up to date as dependencies are added
        for pred, succ in current:
            graph.setdefault(pred, []).append(succ)
        for item, spec in self.plan.dependencies:
            pair = (self.work_ids[spec.predecessor], self.work_ids[item.key])
            found = current.get(pair)
            with _at(spec.path):
                if found is not None and (found.kind, found.lag_days) == (spec.kind, spec.lag_days):
                    tally.unchanged += 1
                else:
                    if found is not None:  # there is no editing a dependency: replace it
                        roadmap_actions.remove_dependency(self.actor, found.pk)
                        graph[pair[0]].remove(pair[1])
                    roadmap_actions.add_dependency(
                        self.actor,
                        predecessor=pair[0],
                        successor=pair[1],
                        kind=spec.kind,
                        lag_days=spec.lag_days,
                        graph=graph,
                    )
                    if found is None:
                        tally.created += 1
                    else:
                        tally.updated += 1
            self.step("dependencies")

    def contributions(self) -> None:
        tally = self.report.tallies["contributions"]
        key_results = dict(KeyResult.objects.restrict(self.actor).values_list("key", "pk"))
        objectives = dict(Objective.objects.restrict(self.actor).values_list("key", "pk"))
        current: dict[tuple[int, str, int], float] = {}
        for item_id, kr_id, objective_id, weight in Contribution.objects.restrict(self.actor).values_list(
            "work_item_id", "key_result_id", "objective_id", "weight"
        ):
            if kr_id is not None:
                current[(item_id, "key_result", kr_id)] = weight
            else:
                current[(item_id, "objective", objective_id)] = weight
        for item, spec in self.plan.contributions:
            item_id = self.work_ids[item.key]
            if spec.key_result is not None:
                field, target_id = "key_result", key_results.get(spec.key_result)
            else:
                field, target_id = "objective", objectives.get(spec.objective or "")
            pair = (item_id, field, target_id)
            weight = current.get(pair)
            if weight is not None and weight == spec.weight:
                tally.unchanged += 1
            else:
                with _at(spec.path):
                    if target_id is None:  # in the workspace, but hidden from the importing user
                        raise NotFound
                    roadmap_actions.set_contribution(
                        self.actor, item_id, weight=spec.weight, **{field: target_id}
                    )
                if weight is None:
                    tally.created += 1
                else:
                    tally.updated += 1
            self.step("contributions")

    def capacity(self) -> None:
        tally = self.report.tallies["capacity"]
        current = {(c.team_id, c.period_id): c.person_days for c in TeamCapacity.objects.restrict(self.actor)}
        for spec in self.plan.capacity:
            pair = (self.team_ids[spec.team], self.period_ids[spec.period])
            person_days = current.get(pair)
            if person_days is not None and person_days == spec.person_days:
                tally.unchanged += 1
            else:
                with _at(spec.path):
                    roadmap_actions.set_capacity(
                        self.actor, team=pair[0], period=pair[1], person_days=spec.person_days
                    )
                if person_days is None:
                    tally.created += 1
                else:
                    tally.updated += 1
            self.step("capacity")


def _column(name: str) -> str:
    return f"{name}_id" if name in ("owner", "team", "period", "parent") else name
