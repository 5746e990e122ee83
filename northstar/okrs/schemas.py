"""Shapes of the REST API for periods, objectives, key results and check-ins (see `okrs/api.py`)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from northstar.workspaces.schemas import InputSchema

PeriodKindName = Literal["year", "quarter", "custom"]
ObjectiveStatusName = Literal["draft", "active", "closed"]
VisibilityName = Literal["workspace", "team"]
KRKindName = Literal["increase", "decrease", "range", "boolean", "milestone"]
ProgressStatusName = Literal["on_track", "at_risk", "off_track", "no_data", "done"]

# --- periods --------------------------------------------------------------------------------------------------


class PeriodOut(Schema):
    id: int
    key: str
    name: str
    kind: PeriodKindName
    start: dt.date
    end: dt.date
    parent: int | None
    closed: bool
    version: int

    @staticmethod
    def resolve_parent(obj: object) -> int | None:
        return getattr(obj, "parent_id", None)


class PeriodPage(Schema):
    count: int
    items: list[PeriodOut]


class PeriodIn(InputSchema):
    name: str
    start: dt.date
    end: dt.date
    kind: PeriodKindName = "custom"
    parent: int | None = None
    key: str | None = Field(None, max_length=60)
    closed: bool = False


class PeriodPatch(InputSchema):
    version: int = Field(description="The version you last read; a different current version gives 409.")
    name: str = None  # type: ignore[assignment]
    kind: PeriodKindName = None  # type: ignore[assignment]
    start: dt.date = None  # type: ignore[assignment]
    end: dt.date = None  # type: ignore[assignment]
    parent: int | None = None
    closed: bool = None  # type: ignore[assignment]


# --- key results ----------------------------------------------------------------------------------------------


class KeyResultOut(Schema):
    id: int
    objective: int
    key: str
    title: str
    description: str
    kind: KRKindName
    unit: str
    start: float | None
    target: float | None
    low: float | None
    high: float | None
    weight: float
    owner: int | None
    position: int
    current_value: float | None = Field(description="The value of the latest check-in.")
    current_confidence: float | None = Field(description="The confidence (0..1) of the latest check-in.")
    confidence_level: Literal["low", "medium", "high"] | None
    last_check_in_at: dt.datetime | None
    progress: float = Field(description="0..1, from the definition and the latest check-in.")
    progress_raw: float = Field(description="Progress before clamping to 0..1: above 1 is over-achievement.")
    progress_status: ProgressStatusName = Field(description="The status call against the pace of the period.")
    progress_status_reason: str
    stale: bool = Field(description="No check-in within the workspace's check-in cadence.")
    can_check_in: bool
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class KeyResultPage(Schema):
    count: int
    items: list[KeyResultOut]


class KeyResultFields(InputSchema):
    title: str
    kind: KRKindName = "increase"
    unit: str = ""
    start: float | None = None
    target: float | None = None
    low: float | None = None
    high: float | None = None
    weight: float = 1.0
    owner: int | None = None
    description: str = ""
    key: str | None = Field(None, max_length=80)


class KeyResultIn(KeyResultFields):
    objective: int


class KeyResultPatch(InputSchema):
    version: int = Field(description="The version you last read; a different current version gives 409.")
    title: str = None  # type: ignore[assignment]
    kind: KRKindName = None  # type: ignore[assignment]
    unit: str = None  # type: ignore[assignment]
    start: float | None = None
    target: float | None = None
    low: float | None = None
    high: float | None = None
    weight: float = None  # type: ignore[assignment]
    owner: int | None = None
    description: str = None  # type: ignore[assignment]
    key: str = Field(None, max_length=80)  # type: ignore[assignment]


class KeyResultFilters(Schema):
    objective: int | None = None
    owner: int | None = None
    kind: KRKindName | None = None


# --- objectives -----------------------------------------------------------------------------------------------


class ObjectiveOut(Schema):
    id: int
    key: str
    title: str
    description: str
    team: int
    period: int | None
    owner: int | None
    status: ObjectiveStatusName = Field(
        description="Where the objective is in its life: draft, active or closed."
    )
    visibility: VisibilityName
    weight: float
    parents: list[int] = Field(description="Ids of the objectives this one aligns to (those you can see).")
    progress: float = Field(description="0..1, the weighted roll-up of the key results.")
    progress_status: ProgressStatusName = Field(description="The status call against the pace of the period.")
    progress_status_reason: str
    expected_progress: float | None = Field(
        description="Where a straight line through the period would be today."
    )
    confidence: float | None = Field(description="The lowest current confidence of its key results.")
    can_change: bool
    key_results: list[KeyResultOut]
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class ObjectivePage(Schema):
    count: int
    items: list[ObjectiveOut]


class ObjectiveIn(InputSchema):
    title: str
    team: int
    period: int | None = None
    owner: int | None = None
    description: str = ""
    status: ObjectiveStatusName = "active"
    visibility: VisibilityName = "workspace"
    weight: float = 1.0
    parents: list[int] = Field(default_factory=list)
    key: str | None = Field(None, max_length=80)
    key_results: list[KeyResultFields] = Field(
        default_factory=list, description="Key results to create with the objective, all or nothing."
    )


class ObjectivePatch(InputSchema):
    version: int = Field(description="The version you last read; a different current version gives 409.")
    title: str = None  # type: ignore[assignment]
    team: int = None  # type: ignore[assignment]
    period: int | None = None
    owner: int | None = None
    description: str = None  # type: ignore[assignment]
    status: ObjectiveStatusName = None  # type: ignore[assignment]
    visibility: VisibilityName = None  # type: ignore[assignment]
    weight: float = None  # type: ignore[assignment]
    parents: list[int] = None  # type: ignore[assignment]
    key: str = Field(None, max_length=80)  # type: ignore[assignment]


class ObjectiveFilters(Schema):
    period: int | None = None
    team: int | None = None
    owner: int | None = None
    status: ObjectiveStatusName | None = None
    q: str | None = Field(None, description="Text in the title or description.")


# --- check-ins ------------------------------------------------------------------------------------------------


class CheckInOut(Schema):
    id: int
    key_result: int
    value: float
    confidence: float | None
    comment: str
    author: int | None
    checked_in_at: dt.datetime
    created_at: dt.datetime

    @staticmethod
    def resolve_key_result(obj: object) -> int:
        return obj.key_result_id  # type: ignore[attr-defined,no-any-return]

    @staticmethod
    def resolve_author(obj: object) -> int | None:
        return obj.author_id  # type: ignore[attr-defined,no-any-return]


class CheckInPage(Schema):
    count: int
    items: list[CheckInOut]


class CheckInIn(InputSchema):
    value: float
    confidence: float | None = Field(None, description="How sure you are of reaching the target, 0..1.")
    comment: str = ""
    checked_in_at: dt.datetime | None = Field(None, description="When the value was true; defaults to now.")
    version: int | None = Field(None, description="The key result's version you last read; stale gives 409.")
