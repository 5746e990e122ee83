"""A realistic synthetic workspace of a given size, written with bulk inserts (minutes, not hours, at enterprise
scale), for benchmarks and load tests.

The shape: a company team with divisions and teams under them; a year and its quarters; per team a few
objectives in the current quarter, a third of them aligned to an objective of the team above; four key results
each, with a check-in history (a noisy walk towards or away from the target, a confidence each time); per team
initiatives with tasks and milestones, "blocks" dependencies from earlier to later tasks (never a loop), and each
initiative serving a key result or two. One person per team, the first of them the owner. Deterministic for a seed.
Nothing is audited: this is generated data, not people's decisions.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import models, transaction

from northstar.okrs.models import Alignment, CheckIn, KeyResult, Objective, Period
from northstar.roadmap.models import Contribution, Dependency, WorkItem
from northstar.workspaces.models import Membership, Team, TeamMember, User, Workspace


@dataclass(frozen=True)
class Scale:
    teams: int
    objectives: int
    key_results: int
    check_ins: int
    work_items: int
    dependencies: int
    contributions: int


SCALES = {
    "tiny": Scale(8, 24, 96, 960, 120, 160, 120),
    "small": Scale(20, 200, 800, 20_000, 1_000, 2_000, 1_500),
    "medium": Scale(200, 2_000, 8_000, 200_000, 10_000, 20_000, 15_000),
    "enterprise": Scale(2_000, 20_000, 80_000, 2_000_000, 100_000, 200_000, 150_000),
}
BATCH = 5_000
Progress = Callable[[str, int, int], None]


def _bulk(model: type[models.Model], rows: list[Any], label: str, progress: Progress | None) -> list[Any]:
    made: list[Any] = []
    for start in range(0, len(rows), BATCH):
        made += model._default_manager.bulk_create(rows[start : start + BATCH], batch_size=BATCH)  # type: ignore[attr-defined]
        if progress:
            progress(label, min(len(rows), start + BATCH), len(rows))
    return made


def _month_start(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    return dt.date(day.year + index // 12, index % 12 + 1, 1)


@transaction.atomic
def generate(
    scale: Scale,
    *,
    name: str,
    slug: str,
    today: dt.date,
    seed: int = 1,
    progress: Progress | None = None,
) -> Workspace:
    rng = random.Random(seed)
    workspace = Workspace.objects.create(name=name, slug=slug)
    ws = workspace.pk

    # teams: the company, about √n divisions, the rest teams under them
    divisions = max(1, round(math.sqrt(scale.teams)))
    company = Team.objects.create(workspace_id=ws, key="company", name=name)
    division_rows = _bulk(Team, [Team(workspace_id=ws, key=f"div-{d}", name=f"Division {d + 1}", parent=company)
                                 for d in range(min(divisions, scale.teams - 1))], "teams", progress)  # fmt: skip
    team_rows = _bulk(Team, [Team(workspace_id=ws, key=f"team-{t}", name=f"Team {t + 1}", parent=division_rows[t % len(division_rows)])
                             for t in range(max(0, scale.teams - 1 - len(division_rows)))], "teams", progress)  # fmt: skip
    teams = [company, *division_rows, *team_rows]
    parent_of = {t.pk: t.parent_id for t in teams}

    # people: one per team, the first the owner
    password = make_password(None)
    users = _bulk(User, [User(email=f"person{t}@{slug}.example", name=f"Person {t + 1}", password=password)
                         for t in range(len(teams))], "people", progress)  # fmt: skip
    _bulk(Membership, [Membership(workspace_id=ws, user=u, role="owner" if i == 0 else "editor")
                       for i, u in enumerate(users)], "people", progress)  # fmt: skip
    _bulk(TeamMember, [TeamMember(workspace_id=ws, team=t, user=u) for t, u in zip(teams, users, strict=True)],
          "people", progress)  # fmt: skip
    person_of = {t.pk: u for t, u in zip(teams, users, strict=True)}

    # periods: the year around today and its quarters
    year_start = dt.date(today.year if today.month >= 7 else today.year - 1, 7, 1)
    year = Period.objects.create(workspace_id=ws, key="fy", name=f"FY{year_start.year + 1 - 2000}", kind="year",
                                 start=year_start, end=dt.date(year_start.year + 1, 6, 30))  # fmt: skip
    quarters = []
    for q in range(4):
        start = _month_start(year_start, 3 * q)
        end = _month_start(year_start, 3 * q + 3) - dt.timedelta(days=1)
        quarters.append(Period.objects.create(workspace_id=ws, key=f"fy-q{q + 1}", name=f"{year.name} Q{q + 1}",
                                              kind="quarter", start=start, end=end, parent=year))  # fmt: skip
    current = next((q for q in quarters if q.start <= today <= q.end), quarters[0])

    # objectives and alignment
    objectives = _bulk(Objective, [
        Objective(workspace_id=ws, key=f"o-{n}", title=f"Objective {n + 1} of {teams[n % len(teams)].name}",
                  team=teams[n % len(teams)], owner=person_of[teams[n % len(teams)].pk], period=current, position=n)
        for n in range(scale.objectives)
    ], "objectives", progress)  # fmt: skip
    by_team: dict[int, list[Objective]] = {}
    for o in objectives:
        by_team.setdefault(o.team_id, []).append(o)
    alignments = []
    for o in objectives:
        above = by_team.get(parent_of.get(o.team_id) or -1)
        if above and rng.random() < 0.33:
            alignments.append(Alignment(workspace_id=ws, child=o, parent=rng.choice(above)))
    _bulk(Alignment, alignments, "objectives", progress)

    # key results, with their check-in history and the latest value on the key result
    per_kr = max(1, scale.check_ins // max(1, scale.key_results))
    # up to yesterday: a check-in at noon today would be in the future all morning ("8 hours from now")
    days = max(1, (min(today - dt.timedelta(days=1), current.end) - current.start).days)
    krs: list[KeyResult] = []
    histories: list[list[tuple[dt.datetime, float, float]]] = []
    for n in range(scale.key_results):
        objective = objectives[n % len(objectives)]
        value, confidence, history = 0.0, 0.7, []
        drift = rng.gauss(1.0, 0.8)
        # people check in on their own days, not the whole company on the same ones (which would also make every
        # forecast's weights, and so its quantiles, the same)
        spread = sorted(
            min(days, max(0, round(days * (c + 1) / (per_kr + 1)) + rng.randint(-3, 3)))
            for c in range(per_kr)
        )
        for c in range(per_kr):
            day = current.start + dt.timedelta(days=spread[c])
            value = max(0.0, value + drift * 100 / (per_kr + 1) + rng.gauss(0, 2))
            confidence = min(1.0, max(0.0, confidence + rng.gauss(0, 0.05)))
            # a minute apart when two fall on one day: the latest check-in is always one of them
            at = dt.datetime.combine(day, dt.time(12), dt.UTC) + dt.timedelta(minutes=c)
            history.append((at, round(value, 1), round(confidence, 2)))
        last = history[-1] if history else None
        krs.append(KeyResult(
            workspace_id=ws, objective=objective, key=f"kr-{n}", title=f"Raise metric {n + 1} from 0 to 100",
            kind="increase", unit="%", start=0, target=100, owner=objective.owner, position=n,
            current_value=last[1] if last else None, current_confidence=last[2] if last else None,
            last_check_in_at=last[0] if last else None,
        ))  # fmt: skip
        histories.append(history)
    krs = _bulk(KeyResult, krs, "key results", progress)
    check_ins = [
        CheckIn(workspace_id=ws, key_result=kr, value=v, confidence=c, author=kr.owner, checked_in_at=at)
        for kr, history in zip(krs, histories, strict=True) for at, v, c in history
    ]  # fmt: skip
    _bulk(CheckIn, check_ins, "check-ins", progress)

    # work: per team initiatives of four tasks and a milestone
    initiatives = _bulk(WorkItem, [
        WorkItem(workspace_id=ws, key=f"w-{n}", kind="initiative", title=f"Initiative {n + 1}",
                 team=teams[n % len(teams)], start=current.start, end=current.end, estimate_days=20, position=n)
        for n in range(max(1, scale.work_items // 6))
    ], "work items", progress)  # fmt: skip
    children = []
    for n in range(scale.work_items - len(initiatives)):
        parent = initiatives[n % len(initiatives)]
        begin = current.start + dt.timedelta(days=rng.randint(0, max(0, days - 5)))
        milestone = n % 5 == 4
        status = "done" if begin + dt.timedelta(days=10) < today and rng.random() < 0.7 else "planned"
        children.append(WorkItem(
            workspace_id=ws, key=f"w-{len(initiatives) + n}", kind="milestone" if milestone else "task",
            title=f"{'Milestone' if milestone else 'Task'} {n + 1}", team_id=parent.team_id, parent=parent,
            start=begin, end=begin if milestone else begin + dt.timedelta(days=rng.randint(1, 14)),
            estimate_days=None if milestone else rng.choice([1, 2, 3, 5, 8]), status=status, position=n,
        ))  # fmt: skip
    items = initiatives + _bulk(WorkItem, children, "work items", progress)
    tasks = [w for w in items if w.kind == "task"]
    seen: set[tuple[int, int]] = set()
    dependencies = []
    attempts = 0
    while len(dependencies) < scale.dependencies and len(tasks) > 1 and attempts < scale.dependencies * 4:
        attempts += 1
        a, b = sorted(rng.sample(range(len(tasks)), 2))  # always earlier → later: no loop
        pair = (tasks[a].pk, tasks[b].pk)
        if pair not in seen:
            seen.add(pair)
            dependencies.append(Dependency(workspace_id=ws, predecessor=tasks[a], successor=tasks[b]))
    _bulk(Dependency, dependencies, "dependencies", progress)
    kr_by_team: dict[int, list[KeyResult]] = {}
    for kr in krs:
        kr_by_team.setdefault(kr.objective.team_id, []).append(kr)
    contributions = []
    linked: set[tuple[int, int]] = set()
    for n in range(scale.contributions):
        item = items[n % len(items)]
        options = kr_by_team.get(item.team_id) or krs
        kr = rng.choice(options)
        if (item.pk, kr.pk) in linked:
            continue
        linked.add((item.pk, kr.pk))
        contributions.append(
            Contribution(workspace_id=ws, work_item=item, key_result=kr, weight=rng.choice([1, 2, 3]))
        )
    _bulk(Contribution, contributions, "contributions", progress)
    return workspace
