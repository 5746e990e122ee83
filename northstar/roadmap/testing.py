"""A small roadmap in the `world`'s workspace (northstar/testing.py), built through the real actions.

Launch annual plans      initiative, Growth, 2026-10-01..2027-03-31, serves world.key_result (weight 2)
  ├ Design the plans page  task, done, 2026-10-01..2026-11-15, 10 of 10 days
  ├ Build the checkout     task, in progress, 2026-11-16..2027-01-31, 6 of 30 days (after Design: FS)
  └ Annual plans live      milestone, 2027-02-01
Move to new hosting      initiative, IT, 2026-10-15..2026-12-20, serves the IT key result "uptime-kr"
Tidy the wiki            task, Growth, 2026-12-01..2026-12-10, serves nothing
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from northstar.okrs.models import KeyResult
from northstar.roadmap import actions
from northstar.roadmap.models import Contribution, Dependency, WorkItem
from northstar.testing import World


@dataclass
class RoadmapScene:
    initiative: WorkItem
    design: WorkItem
    build: WorkItem
    milestone: WorkItem
    hosting: WorkItem
    wiki: WorkItem
    dependency: Dependency
    contribution: Contribution
    it_contribution: Contribution
    uptime: KeyResult


def make_roadmap(world: World) -> RoadmapScene:
    boss = world.actor(world.owner)
    d = dt.date
    initiative = actions.create_work_item(
        boss, title="Launch annual plans", kind="initiative", team=world.growth.pk, owner=world.editor.pk,
        start=d(2026, 10, 1), end=d(2027, 3, 31), status="in_progress", key="launch-annual",
    )  # fmt: skip
    design = actions.create_work_item(
        boss, title="Design the plans page", parent=initiative.pk, start=d(2026, 10, 1), end=d(2026, 11, 15),
        status="done", estimate_days=10, effort_done_days=10, key="design",
    )  # fmt: skip
    build = actions.create_work_item(
        boss, title="Build the checkout", parent=initiative.pk, start=d(2026, 11, 16), end=d(2027, 1, 31),
        status="in_progress", estimate_days=30, effort_done_days=6, key="build",
    )  # fmt: skip
    milestone = actions.create_work_item(
        boss, title="Annual plans live", kind="milestone", parent=initiative.pk, start=d(2027, 2, 1),
        key="live",
    )  # fmt: skip
    dependency = actions.add_dependency(boss, predecessor=design.pk, successor=build.pk, kind="fs")
    contribution = actions.set_contribution(boss, initiative.pk, key_result=world.key_result.pk, weight=2)
    uptime = KeyResult.objects.get(workspace=world.workspace, key="uptime-kr")
    hosting = actions.create_work_item(
        boss, title="Move to new hosting", kind="initiative", team=world.it.pk, owner=world.other_team.pk,
        start=d(2026, 10, 15), end=d(2026, 12, 20), key="hosting",
    )  # fmt: skip
    it_contribution = actions.set_contribution(boss, hosting.pk, key_result=uptime.pk)
    wiki = actions.create_work_item(
        boss, title="Tidy the wiki", team=world.growth.pk, start=d(2026, 12, 1), end=d(2026, 12, 10),
        key="wiki",
    )  # fmt: skip
    return RoadmapScene(
        initiative=initiative, design=design, build=build, milestone=milestone, hosting=hosting, wiki=wiki,
        dependency=dependency, contribution=contribution, it_contribution=it_contribution, uptime=uptime,
    )  # fmt: skip
