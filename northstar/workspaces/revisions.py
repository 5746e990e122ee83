"""Each workspace's revision: a number that moves whenever anything in the workspace changes.

Remembered pages (`northstar.workspaces.remembered`) are keyed on it, so no page is served after a change it would
show. Every write reaches `changed`: `TenantModel.save`/`delete`, `TenantQuerySet.update`/`delete`/`bulk_create`/
`bulk_update` (so many-to-many changes too), `Workspace.save` and `User.save` (names and languages show on pages).

A change moves two numbers. At once, this process's own mark for the workspace (so this process never serves a page
its own change made stale, even before the change commits, and in tests, which never commit). And once the change
commits, the workspace's row in the database (so every process sees it; a change that rolls back never bumps it, and
its local mark costs only a miss); the mark is then dropped, so that all processes key the same page alike. Reading the revision before anything else on a request means a page computed
from data older than the revision cannot be stored under it: the database bump comes after the commit.
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
_next_mark = itertools.count(1)
_pending = threading.local()


def changed(workspace_ids: Iterable[int | None]) -> None:
    """Record that something in these workspaces changed (call it inside the writing transaction)."""
    ids = {i for i in workspace_ids if i is not None}
    if not ids:
        return
    for workspace_id in ids:
        _marks[workspace_id] = next(_next_mark)
    pending: set[int] = _pending.__dict__.setdefault("ids", set())
    pending.update(ids)
    # One callback per change, each bumping whatever is pending: a callback of a rolled-back change is dropped
    # with it, and its workspaces are bumped by the next change's (once more than needed, never less). Robust: the
    # change has committed, so a failed bump (a locked database) is logged rather than turned into an error page;
    # remembered pages then expire on their own (NORTHSTAR_PAGE_MEMORY_SECONDS).
    transaction.on_commit(_bump_pending, robust=True)


def _bump_pending() -> None:
    pending: set[int] = _pending.__dict__.setdefault("ids", set())
    ids = sorted(pending)
    pending.clear()
    for workspace_id in ids:
        _bump(workspace_id)
        # the database's number now covers it: without this process's mark, every process computes the same keys
        # again and shares what one of them stores
        _marks.pop(workspace_id, None)


def _bump(workspace_id: int) -> None:
    from northstar.workspaces.models import Workspace, WorkspaceRevision

    if WorkspaceRevision.objects.filter(workspace_id=workspace_id).update(number=F("number") + 1):
        return
    if not Workspace.objects.filter(pk=workspace_id).exists():
        return  # made and removed again, or made in a transaction that rolled back
    try:
        with transaction.atomic():
            WorkspaceRevision.objects.create(workspace_id=workspace_id, number=1)
    except IntegrityError:
        # made meanwhile by another process, or the workspace is gone meanwhile
        WorkspaceRevision.objects.filter(workspace_id=workspace_id).update(number=F("number") + 1)


def current(workspace_id: int) -> tuple[int, int]:
    """The workspace's committed revision and this process's own mark: together they change after every change."""
    from northstar.workspaces.models import WorkspaceRevision

    number = (
        WorkspaceRevision.objects.filter(workspace_id=workspace_id).values_list("number", flat=True).first()
    )
    return (number or 0, _marks.get(workspace_id, 0))


def stamp(workspace: Workspace) -> tuple[Any, ...]:
    """What names the workspace as it is now, for keys of what is remembered about it: its id, its creation time
    (a database made again reuses ids and revisions) and its revision."""
    return workspace.pk, workspace.created_at, current(workspace.pk)


def forget_pending() -> None:
    _pending.__dict__.pop("ids", None)
