"""Each workspace's revision: a number that moves whenever anything in the workspace changes.

Remembered pages (`northstar.workspaces.remembered`) are keyed on it, so no page is served after a change it would
show. Every write reaches `changed`: `TenantModel.save`/`delete`, `TenantQuerySet.update`/`delete`/`bulk_create`/
`bulk_update` (so many-to-many changes too), `Workspace.save` and `User.save` (names and languages show on pages).

A change moves two numbers. At once, this process's own mark for the workspace (so this process never serves a page
its own change made stale, even before the change commits, and in tests, which never commit). And once the change
commits, the workspace's row in the database (so every process sees it; a change that rolls back never bumps it, and
its local mark costs only a miss); the mark is then dropped, so that all processes key the same page alike.
Reading the revision before anything else on a request means a page computed from data older than the revision
cannot be stored under it: the database bump comes after the commit.

Beside it, the workspace's *plan* revision moves only with changes to what the roadmap is built from (work items,
dependencies, links, objectives, key results' definitions, teams, people, rights...), not with check-ins and the
latest values they leave on key results, nor with rows the roadmap never reads (the audit log, reviews, webhook
deliveries). Computed roadmaps are keyed on it (`roadmap.queries.load_roadmap`), so a check-in, the most common
write, does not make every viewer's roadmap be computed again. Models say what they are: `TenantModel.outside_plan`
and `TenantModel.plan_ignores`.

Inside the plan, the *OKR* revision moves only with what OKR trees are built from (objectives, key results'
definitions, periods, alignments, teams, people's names), not with the roadmap's own rows (work items,
dependencies, links to key results, baselines, scenarios), nor with people's places in the workspace and its teams
(memberships, roles, team memberships, invitations: they change a tree only through its viewer's own rights, part
of every kept tree's key — `TenantModel.outside_okrs`), nor with a person's language (trees hold codes and
numbers, put in words as a page is made; a language alone moves the plan neither, as roadmaps are kept per
language), nor with edits of the words on objectives and key results (their titles and
descriptions) or with key results' owners and the owners of objectives everyone in the workspace sees
(`TenantModel.okr_ignores`), which leave every tree's shape as it was. A kept OKR tree is keyed on it, and reads again only the key results and objectives a
change since may have moved. Which ones, every committed change that leaves the OKRs standing logs beside the
workspace revision it makes (`KeyResultChange`, in the same transaction as the bump, so a reader that has seen a
revision sees its log): a check-in names its key result, a work item the key results it is linked to, a renamed
objective itself, a review none; `changes_since` reads the log. A change to the OKRs that writes one key
result's row alone — one made, removed, moved to another objective or put in another place — logs it as
*reshaped*: a tree kept under the OKR revision before reads that row again whole rather than everything
(`okrs.queries._kept_views`). So does a change that writes objectives' rows or alignments alone — an objective
made, removed, moved to another team or period, seen by another audience, aligned anew — for the objectives it
names (an alignment names both ends): a whole tree kept before reads those objectives, their key results and their
alignments again. A team's row written alone (renamed, moved under another, made, removed) logs its own
objectives the same way: they show its name, and every tree reads the teams' order again; so does a person's row
(`User.save`: a name, a password) for the objectives they own or own a key result of, which show their name.
The workspace's settings that no tree is built from (its name, language, grades, coach rules, the roadmap's
scores: `Workspace.okr_ignores`), saved alone, move the plan only. Every other change to the OKRs (periods, the
check-in cadence and roll-ups across alignments, bulk writes) logs "everything".
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Subquery

if TYPE_CHECKING:
    from northstar.workspaces.models import Workspace

# plan, OKRs, key results touched (None: not known), objectives touched, key results whose rows were written whole,
# objectives whose rows (or alignments) were
_Pending = tuple[bool, bool, frozenset[int] | None, frozenset[int], frozenset[int], frozenset[int]]
_marks: dict[int, int] = {}
_plan_marks: dict[int, int] = {}
_okr_marks: dict[int, int] = {}
_next_mark = itertools.count(1)
_pending = threading.local()
# How many revisions back the log of changed key results reaches: a tree kept from before that reads every key
# result again.
LOGGED_REVISIONS = 1024


def changed(
    workspace_ids: Iterable[int | None],
    *,
    plan: bool = True,
    okrs: bool | None = None,
    key_results: frozenset[int] | None = None,
    objectives: frozenset[int] = frozenset(),
    reshaped: frozenset[int] | None = None,
    reshaped_objectives: frozenset[int] = frozenset(),
) -> None:
    """Record that something in these workspaces changed (call it inside the writing transaction); ``plan``:
    something the roadmap is built from; ``okrs`` (by default, as ``plan``): something OKR trees are built from;
    ``key_results``, for a change that leaves the OKRs standing: whose latest values, linked work or words it may
    have moved (None: not known); ``objectives``: whose words it may have moved; ``reshaped``, for a change to
    the OKRs: the key results whose rows alone it wrote — made, removed, moved or reordered — so that a tree kept
    before it can read those again (None: not known); ``reshaped_objectives``, with ``reshaped``: the objectives
    whose rows, or alignments, it wrote — made, removed, moved to another team or period — which a kept tree reads
    again whole."""
    ids = {i for i in workspace_ids if i is not None}
    if not ids:
        return
    okrs = plan if okrs is None else okrs and plan
    for workspace_id in ids:
        _marks[workspace_id] = next(_next_mark)
        if plan:
            _plan_marks[workspace_id] = next(_next_mark)
        if okrs:
            _okr_marks[workspace_id] = next(_next_mark)
    pending: dict[int, _Pending] = _pending.__dict__.setdefault("ids", {})
    touched, renamed, rows, whole = key_results, objectives, frozenset[int](), frozenset[int]()
    if okrs and reshaped is not None and key_results is not None:
        touched, rows, whole = key_results | reshaped, reshaped, reshaped_objectives
    elif okrs:
        touched, renamed = None, frozenset()  # not known: kept trees read everything again
    for workspace_id in ids:
        was_plan, was_okrs, was_touched, was_renamed, was_rows, was_whole = pending.get(
            workspace_id, (False, False, frozenset(), frozenset(), frozenset(), frozenset())
        )
        both = None if was_touched is None or touched is None else was_touched | touched
        pending[workspace_id] = (
            was_plan or plan,
            was_okrs or okrs,
            both,
            was_renamed | renamed,
            was_rows | rows,
            was_whole | whole,
        )
    # One callback per change, each bumping whatever is pending: a callback of a rolled-back change is dropped
    # with it, and its workspaces are bumped by the next change's (once more than needed, never less). Robust: the
    # change has committed, so a failed bump (a locked database) is logged rather than turned into an error page;
    # remembered pages then expire on their own (NORTHSTAR_PAGE_MEMORY_SECONDS).
    transaction.on_commit(_bump_pending, robust=True)


def _bump_pending() -> None:
    pending: dict[int, _Pending] = _pending.__dict__.setdefault("ids", {})
    bumps = sorted(pending.items())
    pending.clear()
    for workspace_id, (plan, okrs, touched, renamed, reshaped, whole) in bumps:
        _bump(workspace_id, plan, okrs, touched, renamed, reshaped, whole)
        # the database's number now covers it: without this process's mark, every process computes the same keys
        # again and shares what one of them stores
        _marks.pop(workspace_id, None)
        if plan:
            _plan_marks.pop(workspace_id, None)
        if okrs:
            _okr_marks.pop(workspace_id, None)


def _bump(
    workspace_id: int,
    plan: bool,
    okrs: bool,
    touched: frozenset[int] | None,
    renamed: frozenset[int],
    reshaped: frozenset[int],
    whole: frozenset[int],
) -> None:
    from northstar.workspaces.models import Workspace, WorkspaceRevision

    moves: dict[str, Any] = {"number": F("number") + 1}
    if plan:
        moves["plan_number"] = F("plan_number") + 1
    if okrs:
        moves["okr_number"] = F("okr_number") + 1
    if _move(workspace_id, moves, touched, renamed, reshaped, whole):
        return
    if not Workspace.objects.filter(pk=workspace_id).exists():
        return  # made and removed again, or made in a transaction that rolled back
    try:
        with transaction.atomic():
            WorkspaceRevision.objects.create(workspace_id=workspace_id, number=1, plan_number=1, okr_number=1)
    except IntegrityError:
        # made meanwhile by another process, or the workspace is gone meanwhile
        _move(workspace_id, moves, touched, renamed, reshaped, whole)


def _move(
    workspace_id: int,
    moves: dict[str, Any],
    touched: frozenset[int] | None,
    renamed: frozenset[int],
    reshaped: frozenset[int],
    whole: frozenset[int],
) -> bool:
    """Move the workspace's revision row and log the key results and objectives the change touched (those whose
    rows it wrote marked ``reshaped``) under the revision it made — everything, when it does not know them (the
    update locks the row until the log is written); False when there is no row."""
    from northstar.workspaces.models import KeyResultChange, WorkspaceRevision

    with transaction.atomic():
        if not WorkspaceRevision.objects.filter(workspace_id=workspace_id).update(**moves):
            return False
        number = WorkspaceRevision.objects.filter(workspace_id=workspace_id).values_list("number", flat=True)[
            0
        ]
        if touched is None:
            rows = [KeyResultChange(workspace_id=workspace_id, number=number, everything=True)]
        else:
            rows = [
                KeyResultChange(
                    workspace_id=workspace_id, number=number, key_result_id=pk, reshaped=pk in reshaped
                )
                for pk in touched
            ]
        rows += [KeyResultChange(workspace_id=workspace_id, number=number, objective_id=pk) for pk in renamed]
        rows += [
            KeyResultChange(workspace_id=workspace_id, number=number, objective_id=pk, reshaped=True)
            for pk in whole
        ]
        KeyResultChange.objects.bulk_create(rows)
        if number % 64 == 0:
            KeyResultChange.objects.filter(
                workspace_id=workspace_id, number__lte=number - LOGGED_REVISIONS
            ).delete()
        return True


class Changes(NamedTuple):
    key_results: frozenset[int]  # whose latest values, linked work or words may have moved
    objectives: frozenset[int]  # whose words may have moved
    reshaped: frozenset[int] = frozenset()  # whose rows were written whole: made, removed, moved, reordered
    reshaped_objectives: frozenset[int] = frozenset()  # objectives whose rows or alignments were written


NO_CHANGES = Changes(frozenset(), frozenset())


def changes_since(since: tuple[Any, ...], now: tuple[Any, ...]) -> Changes | None:
    """The key results and objectives changes may have moved between two stamps of the same OKR revision
    (``stamp(plan=True)``), from the log — one query, none when nothing changed; None when not known: a change
    not yet committed in this process (its mark), one whose key results were not known, or one too long ago."""
    (was, was_mark), (number, mark) = since[4], now[4]
    # revision 0: no row yet, and the change that makes it logs nothing
    if since[:2] != now[:2] or was_mark or mark or not was or not 0 <= number - was <= LOGGED_REVISIONS:
        return None
    if number == was:
        return NO_CHANGES
    from northstar.workspaces.models import KeyResultChange

    touched: set[int] = set()
    renamed: set[int] = set()
    reshaped: set[int] = set()
    objectives_whole: set[int] = set()
    for key_result_id, objective_id, everything, whole in KeyResultChange.objects.filter(
        workspace_id=now[0], number__gt=was, number__lte=number
    ).values_list("key_result_id", "objective_id", "everything", "reshaped"):
        if everything:
            return None
        if objective_id is not None:
            (objectives_whole if whole else renamed).add(objective_id)
        else:
            touched.add(key_result_id)
            if whole:
                reshaped.add(key_result_id)
    return Changes(frozenset(touched), frozenset(renamed), frozenset(reshaped), frozenset(objectives_whole))


def current(workspace_id: int, *, plan: bool = False, okrs: bool = False) -> tuple[int, int]:
    """The workspace's committed revision and this process's own mark: together they change after every change
    (with ``plan``, after every change to what the roadmap is built from; with ``okrs``, to what OKR trees are)."""
    from northstar.workspaces.models import WorkspaceRevision

    column, marks = (
        ("okr_number", _okr_marks) if okrs else ("plan_number", _plan_marks) if plan else ("number", _marks)
    )
    number = (
        WorkspaceRevision.objects.filter(workspace_id=workspace_id).values_list(column, flat=True).first()
    )
    return (number or 0, marks.get(workspace_id, 0))


def number_of(workspace_id: str = "workspace_id") -> Subquery:
    """The committed revision of the workspace a query's rows name (``workspace_id``), as an annotation: a
    caller that reads its row anyway reads the revision with it, for ``stamp(..., number=)``."""
    from northstar.workspaces.models import WorkspaceRevision

    return Subquery(
        WorkspaceRevision.objects.filter(workspace_id=OuterRef(workspace_id)).values("number")[:1]
    )


def stamp(workspace: Workspace, *, plan: bool = False, number: int | None = None) -> tuple[Any, ...]:
    """What names the workspace as it is now, for keys of what is remembered about it: its id, its creation time
    (a database made again reuses ids and revisions) and its revision — read here, or given as ``number`` when
    read already (``number_of``). With ``plan``, its plan revision — and after it its OKR revision
    (``okr_stamp`` takes it out) and its revision (for ``changes_since``), which keys of what depends on the plan
    alone leave out (``plan_only``) — one query."""
    if not plan:
        revision = current(workspace.pk) if number is None else (number, _marks.get(workspace.pk, 0))
        return workspace.pk, workspace.created_at, revision
    from northstar.workspaces.models import WorkspaceRevision

    numbers = (
        WorkspaceRevision.objects.filter(workspace_id=workspace.pk)
        .values_list("plan_number", "okr_number", "number")
        .first()
    ) or (0, 0, 0)
    return (
        workspace.pk,
        workspace.created_at,
        (numbers[0], _plan_marks.get(workspace.pk, 0)),
        (numbers[1], _okr_marks.get(workspace.pk, 0)),
        (numbers[2], _marks.get(workspace.pk, 0)),
    )


def plan_only(plan: tuple[Any, ...]) -> tuple[Any, ...]:
    """Of a plan stamp, what names the plan alone: unchanged by check-ins."""
    return plan[:3]


def okr_stamp(plan: tuple[Any, ...]) -> tuple[Any, ...]:
    """Of a plan stamp, what names the workspace's OKRs alone: unchanged by changes to the roadmap's own rows, by
    check-ins and by edits of titles and descriptions."""
    return (*plan[:2], plan[3])


def search_stamp(plan: tuple[Any, ...]) -> tuple[Any, ...]:
    """Of a plan stamp, what names the OKRs with their words and owners, for what a search by title or owner
    found: it moves with every change (a renamed objective, a key result's new owner, may now match, or no
    longer)."""
    return (*okr_stamp(plan), plan[4])


def forget_pending() -> None:
    _pending.__dict__.pop("ids", None)
