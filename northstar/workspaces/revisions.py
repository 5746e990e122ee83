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
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F

if TYPE_CHECKING:
    from northstar.workspaces.models import Workspace

_marks: dict[int, int] = {}
_plan_marks: dict[int, int] = {}
_next_mark = itertools.count(1)
_pending = threading.local()


def changed(workspace_ids: Iterable[int | None], *, plan: bool = True) -> None:
    """Record that something in these workspaces changed (call it inside the writing transaction); ``plan``:
    something the roadmap is built from."""
    ids = {i for i in workspace_ids if i is not None}
    if not ids:
        return
    for workspace_id in ids:
        _marks[workspace_id] = next(_next_mark)
        if plan:
            _plan_marks[workspace_id] = next(_next_mark)
    pending: dict[int, bool] = _pending.__dict__.setdefault("ids", {})
    for workspace_id in ids:
        pending[workspace_id] = pending.get(workspace_id, False) or plan
    # One callback per change, each bumping whatever is pending: a callback of a rolled-back change is dropped
    # with it, and its workspaces are bumped by the next change's (once more than needed, never less). Robust: the
    # change has committed, so a failed bump (a locked database) is logged rather than turned into an error page;
    # remembered pages then expire on their own (NORTHSTAR_PAGE_MEMORY_SECONDS).
    transaction.on_commit(_bump_pending, robust=True)


def _bump_pending() -> None:
    pending: dict[int, bool] = _pending.__dict__.setdefault("ids", {})
    bumps = sorted(pending.items())
    pending.clear()
    for workspace_id, plan in bumps:
        _bump(workspace_id, plan)
        # the database's number now covers it: without this process's mark, every process computes the same keys
        # again and shares what one of them stores
        _marks.pop(workspace_id, None)
        if plan:
            _plan_marks.pop(workspace_id, None)


def _bump(workspace_id: int, plan: bool) -> None:
    from northstar.workspaces.models import Workspace, WorkspaceRevision

    moves: dict[str, Any] = {"number": F("number") + 1}
    if plan:
        moves["plan_number"] = F("plan_number") + 1
    if WorkspaceRevision.objects.filter(workspace_id=workspace_id).update(**moves):
        return
    if not Workspace.objects.filter(pk=workspace_id).exists():
        return  # made and removed again, or made in a transaction that rolled back
    try:
        with transaction.atomic():
            WorkspaceRevision.objects.create(workspace_id=workspace_id, number=1, plan_number=1)
    except IntegrityError:
        # made meanwhile by another process, or the workspace is gone meanwhile
        WorkspaceRevision.objects.filter(workspace_id=workspace_id).update(**moves)


def current(workspace_id: int, *, plan: bool = False) -> tuple[int, int]:
    """The workspace's committed revision and this process's own mark: together they change after every change
    (with ``plan``, after every change to what the roadmap is built from)."""
    from northstar.workspaces.models import WorkspaceRevision

    number = (
        WorkspaceRevision.objects.filter(workspace_id=workspace_id)
        .values_list("plan_number" if plan else "number", flat=True)
        .first()
    )
    return (number or 0, (_plan_marks if plan else _marks).get(workspace_id, 0))


def stamp(workspace: Workspace, *, plan: bool = False) -> tuple[Any, ...]:
    """What names the workspace as it is now, for keys of what is remembered about it: its id, its creation time
    (a database made again reuses ids and revisions) and its revision (with ``plan``, its plan revision)."""
    return workspace.pk, workspace.created_at, current(workspace.pk, plan=plan)


def forget_pending() -> None:
    _pending.__dict__.pop("ids", None)
