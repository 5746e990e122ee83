"""Shapes of the REST API for the roadmap: work items, dependencies, contributions, baselines and the timeline
(see `roadmap/api.py`)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from northstar.workspaces.schemas import InputSchema

WorkItemKindName = Literal["initiative", "milestone", "task"]
WorkItemStatusName = Literal["planned", "in_progress", "done", "cancelled"]
DependencyKindName = Literal["fs", "ss", "ff"]
LaneModeName = Literal["objective", "team", "key_result", "owner", "none"]

# --- work items -----------------------------------------------------------------------------------------------


class WorkItemLinkOut(Schema):
    key_result: int | None = Field(description="The key result served, or null when it serves an objective.")
    objective: int | None = Field(description="The objective served as a whole, or null.")
    weight: float
    inherited: bool = Field(description="True when the link is the parent item's, not the item's own.")


class OutputProgressOut(Schema):
    effort_done: float = Field(description="Person-days done on the estimated tasks below this item.")
    effort_planned: float = Field(description="Person-days estimated for the tasks below this item.")
    share: float = Field(
        description="0..1: done / planned effort, or done / all tasks when none is estimated."
    )
    tasks_done: int
    tasks_total: int
    milestones_reached: int
    milestones_due: int = Field(description="Milestones whose date is today or earlier.")
    milestones_total: int
    work_left_days: float


class WorkItemConflictOut(Schema):
    kind: Literal["dependency", "period"]
    message: str
    other: int | None = Field(description="The other work item of a dependency conflict.")


class WorkItemOut(Schema):
    id: int
    key: str
    title: str
    description: str
    kind: WorkItemKindName
    team: int
    owner: int | None
    parent: int | None
    start: dt.date | None
    end: dt.date | None
    status: WorkItemStatusName
    estimate_days: float | None
    effort_done_days: float
    reach: float | None
    impact: float | None
    confidence: float | None
    cost_of_delay: float | None
    job_size: float | None
    position: int
    links: list[WorkItemLinkOut] = Field(
        description="The key results and objectives it serves, its own or else those of its nearest parent."
    )
    output: OutputProgressOut | None = Field(description="Delivery of the items below it; null without any.")
    conflicts: list[WorkItemConflictOut]
    critical: bool = Field(description="On the critical path of the dependency graph.")
    lane: str = Field(description="The timeline lane (by objective) it is drawn in.")
    also_serves: list[str] = Field(description="The other objectives it serves, by title.")
    can_change: bool
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class WorkItemPage(Schema):
    count: int
    items: list[WorkItemOut]


class WorkItemIn(InputSchema):
    title: str
    kind: WorkItemKindName = "task"
    team: int | None = Field(None, description="Defaults to the parent's team.")
    parent: int | None = None
    owner: int | None = None
    start: dt.date | None = None
    end: dt.date | None = Field(None, description="A milestone has one date: end defaults to start.")
    status: WorkItemStatusName = "planned"
    estimate_days: float | None = None
    effort_done_days: float = 0
    description: str = ""
    key: str | None = Field(None, max_length=80)
    reach: float | None = Field(None, description="RICE: people or events per period.")
    impact: float | None = Field(None, description="RICE: 0.25 minimal … 3 massive.")
    confidence: float | None = Field(None, description="RICE: 0 to 1. The effort is estimate_days.")
    cost_of_delay: float | None = Field(None, description="WSJF: value lost per period of delay.")
    job_size: float | None = Field(None, description="WSJF: relative size, more than 0.")


class WorkItemPatch(InputSchema):
    version: int = Field(description="The version you last read; a different current version gives 409.")
    title: str = None  # type: ignore[assignment]
    description: str = None  # type: ignore[assignment]
    kind: WorkItemKindName = None  # type: ignore[assignment]
    team: int = None  # type: ignore[assignment]
    owner: int | None = None
    parent: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    status: WorkItemStatusName = None  # type: ignore[assignment]
    estimate_days: float | None = None
    effort_done_days: float = None  # type: ignore[assignment]
    key: str = Field(None, max_length=80)  # type: ignore[assignment]
    reach: float | None = Field(None, description="RICE: people or events per period; null clears it.")
    impact: float | None = Field(None, description="RICE: 0.25 minimal … 3 massive.")
    confidence: float | None = Field(None, description="RICE: 0 to 1.")
    cost_of_delay: float | None = Field(None, description="WSJF: value lost per period of delay.")
    job_size: float | None = Field(None, description="WSJF: relative size, more than 0.")


class WorkItemFilters(Schema):
    team: int | None = None
    kind: WorkItemKindName | None = None
    status: WorkItemStatusName | None = None
    parent: int | None = Field(None, description="Only the direct parts of this item.")
    key_result: int | None = Field(
        None, description="Items serving this key result, inherited links included."
    )
    objective: int | None = Field(
        None, description="Items serving this objective or one of its key results, inherited links included."
    )
    unlinked: bool | None = Field(None, description="true: only items that serve no OKR you can see.")
    conflict: bool | None = Field(None, description="true: only items with a schedule conflict.")


# --- dependencies ---------------------------------------------------------------------------------------------


class DependencyOut(Schema):
    id: int
    predecessor: int
    successor: int
    kind: DependencyKindName
    lag_days: int
    created_at: dt.datetime

    @staticmethod
    def resolve_predecessor(obj: object) -> int:
        return obj.predecessor_id  # type: ignore[attr-defined,no-any-return]

    @staticmethod
    def resolve_successor(obj: object) -> int:
        return obj.successor_id  # type: ignore[attr-defined,no-any-return]


class DependencyPage(Schema):
    count: int
    items: list[DependencyOut]


class DependencyIn(InputSchema):
    predecessor: int
    successor: int
    kind: DependencyKindName = "fs"
    lag_days: int = Field(0, description="Days between the two, from -3650 to 3650.")


class DependencyFilters(Schema):
    item: int | None = Field(None, description="Dependencies of this item, in both directions.")


# --- contributions --------------------------------------------------------------------------------------------


class ContributionOut(Schema):
    id: int
    work_item: int
    key_result: int | None
    objective: int | None
    weight: float
    created_at: dt.datetime

    @staticmethod
    def resolve_work_item(obj: object) -> int:
        return obj.work_item_id  # type: ignore[attr-defined,no-any-return]

    @staticmethod
    def resolve_key_result(obj: object) -> int | None:
        return obj.key_result_id  # type: ignore[attr-defined,no-any-return]

    @staticmethod
    def resolve_objective(obj: object) -> int | None:
        return obj.objective_id  # type: ignore[attr-defined,no-any-return]


class ContributionPage(Schema):
    count: int
    items: list[ContributionOut]


class ContributionIn(InputSchema):
    work_item: int
    key_result: int | None = Field(None, description="Give a key result or an objective, not both.")
    objective: int | None = None
    weight: float = Field(1.0, description="The expected share of the impact, 0 to 1000.")


class ContributionFilters(Schema):
    work_item: int | None = None
    key_result: int | None = None


# --- baselines ------------------------------------------------------------------------------------------------


class BaselineOut(Schema):
    id: int
    name: str
    created_by: int | None
    created_at: dt.datetime

    @staticmethod
    def resolve_created_by(obj: object) -> int | None:
        return obj.created_by_id  # type: ignore[attr-defined,no-any-return]


class BaselinePage(Schema):
    count: int
    items: list[BaselineOut]


class BaselineIn(InputSchema):
    name: str


class BaselineItemOut(Schema):
    work_item: int
    title: str
    kind: WorkItemKindName
    baseline_start: dt.date | None
    baseline_end: dt.date | None
    start: dt.date | None
    end: dt.date | None
    slip_days: int | None = Field(description="Current end − baseline end in days; positive is late.")


class BaselineDetailOut(Schema):
    id: int
    name: str
    created_by: int | None
    created_at: dt.datetime
    item_count: int = Field(description="Items saved in the baseline; `limit` and `offset` page them.")
    items: list[BaselineItemOut]


# --- timeline -------------------------------------------------------------------------------------------------


class TimelineQuery(Schema):
    lanes: LaneModeName = Field("objective", description="What the swimlanes are.")
    team: int | None = Field(
        None,
        description="Only the work of this team and the teams below it, with the lanes it sits in, the "
        "dependencies between its items and its teams' capacities.",
    )


class TimelineLaneOut(Schema):
    id: str
    label: str
    unlinked: bool = Field(description="The lane of work that serves no OKR.")


class TimelineItemOut(Schema):
    id: int
    lane: str
    title: str
    kind: WorkItemKindName
    start: dt.date | None
    end: dt.date | None
    status: WorkItemStatusName
    version: int
    can_change: bool
    critical: bool
    conflicts: list[WorkItemConflictOut]
    also_serves: list[str]


class TimelineDependencyOut(Schema):
    id: int
    from_: int = Field(alias="from", description="The predecessor.")
    to: int = Field(description="The successor.")
    kind: DependencyKindName
    lag_days: int


class TimelinePeriodOut(Schema):
    id: int
    name: str
    start: dt.date
    end: dt.date


class TimelineCapacityOut(Schema):
    team: int
    team_name: str
    period: int
    period_name: str
    start: dt.date
    end: dt.date
    capacity: float = Field(description="Person-days.")
    load: float = Field(
        description="Person-days of planned work in the period (estimates spread over dates)."
    )
    over: bool


class TimelineOut(Schema):
    lanes: list[TimelineLaneOut]
    items: list[TimelineItemOut]
    dependencies: list[TimelineDependencyOut]
    periods: list[TimelinePeriodOut]
    capacity: list[TimelineCapacityOut]
    today: dt.date
