"""Benchmark: importing a large OKRs-as-code document (100,000 work items by default) into a new workspace, against
the bulk insert of the same work item rows (how ``northstar generate`` writes), measured in the same run.

The import is the real one — every row validated, permission-checked and audited through the actions, all or
nothing — run as a dry run, so it does all its writes and then rolls them back and leaves nothing behind. The
baseline writes the bare rows in a transaction that is rolled back too. It reads the clock: never a test.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.db import transaction

from northstar.exchange.importer import import_document
from northstar.roadmap.models import WorkItem
from northstar.workspaces.models import Team, Workspace

TASKS_PER_INITIATIVE = 9


def document(items: int, today: dt.date) -> dict[str, Any]:
    """A company with ten teams and ``items`` work items: initiatives of nine tasks, each task after the one
    before it, every initiative serving a key result."""
    teams = [f"team-{n}" for n in range(10)]
    work: list[dict[str, Any]] = []
    n = 0
    while n < items:
        initiative, n = n, n + 1
        children = []
        for t in range(min(TASKS_PER_INITIATIVE, items - n)):
            start = today + dt.timedelta(days=t * 7)
            children.append({
                "key": f"task-{n}", "kind": "task", "title": f"Task {n}", "start": start.isoformat(),
                "end": (start + dt.timedelta(days=6)).isoformat(), "estimate_days": 4,
                **({"depends_on": [f"task-{n - 1}"]} if t else {}),
            })  # fmt: skip
            n += 1
        work.append({
            "key": f"initiative-{initiative}", "kind": "initiative", "title": f"Initiative {initiative}",
            "team": teams[initiative % len(teams)], "start": today.isoformat(),
            "end": (today + dt.timedelta(days=90)).isoformat(),
            "contributes": [{"kr": f"kr-{initiative % len(teams)}", "weight": 1}], "children": children,
        })  # fmt: skip
    return {
        "northstar": 1,
        "workspace": {"name": "Import benchmark", "language": "en"},
        "periods": [
            {
                "key": "q",
                "name": "This quarter",
                "start": today.isoformat(),
                "end": (today + dt.timedelta(days=90)).isoformat(),
            }
        ],  # fmt: skip
        "teams": [{"key": "company", "name": "Company"}]
        + [{"key": key, "name": key.title(), "parent": "company"} for key in teams],
        "people": [
            {"email": "owner@import-bench.example", "name": "Owner", "role": "owner", "teams": ["company"]}
        ],
        "objectives": [
            {
                "key": f"objective-{key}",
                "title": f"Grow {key}",
                "team": key,
                "period": "q",
                "key_results": [
                    {
                        "key": f"kr-{n}",
                        "title": f"Raise active users of {key} from 100 to 200",
                        "kind": "increase",
                        "start": 100,
                        "target": 200,
                    }
                ],
            }
            for n, key in enumerate(teams)
        ],  # fmt: skip
        "work": work,
    }


def _bulk_baseline(items: int, today: dt.date) -> None:
    with transaction.atomic():
        workspace = Workspace.objects.create(name="Import baseline", slug="import-baseline-bench")
        team = Team.objects.create(workspace=workspace, key="company", name="Company")
        WorkItem.objects.bulk_create(
            [WorkItem(workspace=workspace, key=f"w-{n}", title=f"Task {n}", kind="task", team=team,
                      start=today, end=today + dt.timedelta(days=6), estimate_days=4, position=n)
             for n in range(items)],
            batch_size=5_000,
        )  # fmt: skip
        transaction.set_rollback(True)


def run(items: int, today: dt.date) -> dict[str, float]:
    doc = document(items, today)
    started = time.perf_counter()
    report = import_document(doc, slug="import-bench", dry_run=True)
    imported = time.perf_counter() - started
    started = time.perf_counter()
    _bulk_baseline(items, today)
    bulk = time.perf_counter() - started
    return {
        "items": float(report.tallies["work"].created),
        "dependencies": float(report.tallies["dependencies"].created),
        "import_seconds": imported,
        "bulk_seconds": bulk,
        "ratio": imported / bulk,
    }
