"""Linting drafts that are not saved yet: the editors' advice as you type and the API's lint endpoint."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

from northstar.coach.drafts import key_result_draft
from northstar.coach.present import Advice, advise
from northstar.coach.queries import lint_for
from northstar.core.lint import KeyResultDraft, ObjectiveDraft
from northstar.okrs.models import KeyResult, Objective, Period
from northstar.workspaces.errors import FieldError, ValidationFailed
from northstar.workspaces.models import Team
from northstar.workspaces.permissions import Actor, access

DRAFT_SCOPES = ("key_result", "objective")


def _saved_key_results(actor: Actor, objective_id: int, leave_out: int | None = None) -> list[KeyResultDraft]:
    return [
        key_result_draft(kr)
        for kr in KeyResult.objects.restrict(actor)
        .filter(objective_id=objective_id)
        .select_related("owner")
        .order_by("position", "id")
        if kr.pk != leave_out
    ]


def check_key_result(
    actor: Actor, objective_id: int, draft: KeyResultDraft, *, editing: int | None = None
) -> list[Advice]:
    """Advice on one key result being written under a saved objective, beside that objective's other ones
    (``editing``: the saved key result this draft replaces)."""
    objective = access(Objective.objects.select_related("team", "period"), actor, objective_id)
    siblings = _saved_key_results(actor, objective.pk, editing)
    period = objective.period
    whole = ObjectiveDraft(
        objective.title,
        (*siblings, draft),
        (period.start, period.end) if period else None,
        key=str(objective.pk),
    )
    findings = [f for f in lint_for(actor, [whole], scopes=DRAFT_SCOPES) if f.key_result == len(siblings)]
    return advise(findings, [whole])


def check_objective(
    actor: Actor,
    title: str,
    *,
    team: int | None = None,
    period: int | None = None,
    parents: Sequence[int] = (),
    key_results: Sequence[KeyResultDraft] | None = None,
    existing: int | None = None,
    strict: bool = True,
) -> list[Advice]:
    """Advice on an objective being written. Its key results are the ones given, else (``existing``) the saved
    ones; a new objective without any is not told to add them — that is the editor's next step. Unknown ids are a
    ValidationFailed, or with ``strict`` off (a form being typed, a stale page) simply left out."""
    errors: list[FieldError] = []
    team_row = Team.objects.restrict(actor).filter(pk=team).first() if team is not None else None
    if team is not None and team_row is None:
        errors.append(FieldError("team", _("No such team in this workspace.")))
    period_row = Period.objects.restrict(actor).filter(pk=period).first() if period is not None else None
    if period is not None and period_row is None:
        errors.append(FieldError("period", _("No such period in this workspace.")))
    found = (
        set(Objective.objects.restrict(actor).filter(pk__in=parents).values_list("pk", flat=True))
        if parents
        else set()
    )
    if set(parents) - found:
        errors.append(FieldError("parents", _("No such objective in this workspace.")))
    if errors and strict:
        raise ValidationFailed(errors)
    if key_results is None:
        key_results = (
            _saved_key_results(actor, access(Objective.objects, actor, existing).pk) if existing else []
        )
    draft = ObjectiveDraft(
        title,
        tuple(key_results),
        (period_row.start, period_row.end) if period_row else None,
        team_level=bool(team_row and team_row.parent_id),
        aligned=bool(found),
        key="draft",
    )
    findings = lint_for(actor, [draft], scopes=DRAFT_SCOPES)
    if not key_results and existing is None:
        findings = [f for f in findings if f.rule != "no-key-results"]
    return advise(findings, [draft])
