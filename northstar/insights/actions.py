"""Every write to reviews: validate → permission → save → audit, in one transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from northstar.insights.models import Review, ReviewKind
from northstar.insights.reviews import draft_review
from northstar.okrs.actions import check_version, workspace_team
from northstar.okrs.models import Period
from northstar.workspaces import audit
from northstar.workspaces.errors import ValidationFailed
from northstar.workspaces.permissions import CHANGE, DELETE, Actor, access

FIELDS = ["period", "team", "kind", "since", "as_of", "notes", "learnings"]


@transaction.atomic
def create_review(
    actor: Actor,
    *,
    period: int | None,
    team: int | None = None,
    kind: str = ReviewKind.MONTHLY,
    as_of: dt.date,
) -> Review:
    actor.require("editor")
    found = Period.objects.restrict(actor).filter(pk=period).first() if period is not None else None
    if found is None:
        raise ValidationFailed.one("period", _("Choose a period of this workspace."))
    if kind not in ReviewKind.values:
        raise ValidationFailed.one("kind", _("Choose a weekly, monthly or end-of-period review."))
    if as_of < found.start:
        raise ValidationFailed.one(
            "as_of", _("A review looks back: its date cannot be before the period starts.")
        )
    review = draft_review(actor, found, workspace_team(actor, team, required=False), kind, as_of)
    review.save()
    audit.record(actor, "create", review, after=audit.snapshot(review, FIELDS))
    from northstar.integrations import events

    events.emit(actor.workspace, "review.published", {
        "review": review.pk, "kind": review.kind, "period": review.period_id, "team": review.team_id,
    })  # fmt: skip
    return review


@transaction.atomic
def update_review(
    actor: Actor, review_id: int, *, expected_version: int | None = None, **changes: Any
) -> Review:
    review: Review = access(Review.objects.select_for_update(), actor, review_id, CHANGE)
    check_version(review, expected_version)
    before = audit.snapshot(review, FIELDS)
    for field in ("notes", "learnings"):
        if field in changes:
            value = (changes[field] or "").strip()
            if len(value) > 20_000:
                raise ValidationFailed.one(field, _("Use at most %(n)d characters.") % {"n": 20_000})
            setattr(review, field, value)
    review.version += 1
    review.save()
    audit.record(actor, "update", review, before=before, after=audit.snapshot(review, FIELDS))
    return review


@transaction.atomic
def delete_review(actor: Actor, review_id: int) -> None:
    review = access(Review.objects, actor, review_id, DELETE)
    audit.record(actor, "delete", review, before=audit.snapshot(review, FIELDS))
    review.delete()
