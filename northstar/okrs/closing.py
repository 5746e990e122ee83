"""Closing a period: final scores and grades (core.grading), a retrospective, and the roll-over of unfinished
key results into the next period — linked to the ones they continue, with their open work. One transaction,
every write audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from northstar.core.grading import Grade, final_score, grade, objective_score
from northstar.okrs import actions as okr_actions
from northstar.okrs.models import Alignment, KeyResult, KRKind, Objective, Period
from northstar.okrs.queries import KeyResultView, ObjectiveView, objective_views
from northstar.workspaces import audit
from northstar.workspaces.errors import ValidationFailed
from northstar.workspaces.permissions import Actor, access

NUMERIC = {KRKind.INCREASE, KRKind.DECREASE}


@dataclass
class KeyResultResult:
    view: KeyResultView
    score: float

    @property
    def unfinished(self) -> bool:
        return self.score < 1.0


@dataclass
class ObjectiveResult:
    view: ObjectiveView
    score: float | None
    grade: Grade | None
    key_results: list[KeyResultResult]


def results(actor: Actor, period: Period, *, today: dt.date) -> list[ObjectiveResult]:
    """What closing the period gives (or gave): each objective's and key result's final score and grade. A
    closed period shows the scores saved when it closed."""
    objectives = list(
        Objective.objects.restrict(actor).filter(period=period).select_related("team", "owner", "period")
    )
    ws = actor.workspace
    out = []
    for view in objective_views(actor, objectives, today=today):
        krs = [
            KeyResultResult(
                k,
                k.kr.final_score
                if period.closed and k.kr.final_score is not None
                else (final_score(k.progress.value) if k.progress.has_data else 0.0),
            )
            for k in view.key_results
        ]
        score = objective_score([(r.score, r.view.kr.weight) for r in krs])
        out.append(
            ObjectiveResult(
                view,
                score,
                None
                if score is None
                else grade(
                    score,
                    view.objective.committed,
                    aspirational=ws.grade_aspirational,
                    committed_at=ws.grade_committed,
                ),
                krs,
            )
        )
    return out


def _next_period(actor: Actor, period: Period, next_period: int | None) -> Period | None:
    if next_period is None:
        return None
    found = Period.objects.restrict(actor).filter(pk=next_period).first()
    if found is None:
        raise ValidationFailed.one("next_period", _("No such period in this workspace."))
    if found.pk == period.pk or found.closed or found.end <= period.end:
        raise ValidationFailed.one(
            "next_period", _("Roll over into an open period that ends after this one.")
        )
    return found  # type: ignore[no-any-return]


@transaction.atomic
def close_period(
    actor: Actor,
    period_id: int,
    *,
    today: dt.date,
    retrospective: str = "",
    next_period: int | None = None,
    roll_over: Iterable[int] = (),
    expected_version: int | None = None,
) -> Period:
    """Save the final scores, close the period, and copy the chosen unfinished key results into
    ``next_period`` (under a copy of their objective, aligned as the original was) with their open work."""
    actor.require("admin")
    period: Period = access(Period.objects.select_for_update(), actor, period_id)
    okr_actions.check_version(period, expected_version)
    if period.closed:
        raise ValidationFailed.one("period", _("This period is closed already."))
    target = _next_period(actor, period, next_period)
    wanted = set(roll_over)
    if wanted and target is None:
        raise ValidationFailed.one("next_period", _("Choose the period to roll the key results over into."))
    found = results(actor, period, today=today)
    unfinished = {r.view.kr.pk for o in found for r in o.key_results if r.unfinished}
    if wanted - unfinished:
        raise ValidationFailed.one(
            "roll_over", _("Only unfinished key results of this period can roll over.")
        )

    for o in found:
        for r in o.key_results:
            before = audit.snapshot(r.view.kr, ["final_score"])
            KeyResult.objects.filter(pk=r.view.kr.pk).update(final_score=r.score)
            audit.record(actor, "update", r.view.kr, before=before, after={"final_score": r.score},
                         objective_ref=o.view.objective.pk)  # fmt: skip
        objective = o.view.objective
        Objective.objects.filter(pk=objective.pk).update(final_score=o.score)
        audit.record(actor, "update", objective, before={"final_score": objective.final_score},
                     after={"final_score": o.score}, objective_ref=objective.pk)  # fmt: skip

    if target is not None and wanted:
        _roll_over(actor, found, wanted, target)

    before = audit.snapshot(period, ["closed", "retrospective"])
    period.closed = True
    period.closed_at = timezone.now()
    period.retrospective = (retrospective or "").strip()
    period.version += 1
    period.save()
    audit.record(
        actor, "update", period, before=before, after=audit.snapshot(period, ["closed", "retrospective"])
    )
    return period


def _roll_over(actor: Actor, found: list[ObjectiveResult], wanted: set[int], target: Period) -> None:
    from northstar.roadmap import actions as roadmap_actions  # the roadmap builds on the OKRs
    from northstar.roadmap.models import Contribution

    parents: dict[int, list[int]] = {}
    for child, parent in Alignment.objects.filter(workspace=actor.workspace).values_list(
        "child_id", "parent_id"
    ):
        parents.setdefault(child, []).append(parent)
    open_links: dict[int, list[tuple[int, float]]] = {}
    for kr_id, item_id, weight in (
        Contribution.objects.filter(workspace=actor.workspace, key_result_id__in=wanted)
        .exclude(work_item__status__in=["done", "cancelled"])
        .values_list("key_result_id", "work_item_id", "weight")
    ):
        open_links.setdefault(kr_id, []).append((item_id, weight))
    for o in found:
        moving = [r for r in o.key_results if r.view.kr.pk in wanted]
        if not moving:
            continue
        old = o.view.objective
        copy = okr_actions.create_objective(
            actor, title=old.title, team=old.team_id, period=target.pk, owner=old.owner_id,
            description=old.description, visibility=old.visibility, weight=old.weight,
            parents=parents.get(old.pk, []), committed=old.committed,
        )  # fmt: skip
        for r in moving:
            kr = r.view.kr
            carried = kr.kind in NUMERIC and kr.current_value is not None
            new = okr_actions.create_key_result(
                actor, copy.pk, title=kr.title, kind=kr.kind, unit=kr.unit,
                start=kr.current_value if carried else kr.start, target=kr.target, low=kr.low, high=kr.high,
                weight=kr.weight, owner=kr.owner_id, description=kr.description,
            )  # fmt: skip
            KeyResult.objects.filter(pk=new.pk).update(rolled_from=kr, current_value=kr.current_value)
            for item_id, weight in open_links.get(kr.pk, []):
                roadmap_actions.set_contribution(actor, item_id, key_result=new.pk, weight=weight)
