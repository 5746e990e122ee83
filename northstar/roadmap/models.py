"""The roadmap: work items (initiative ▸ milestone / task), their dependencies, the key results they serve,
baselines of their dates and team capacity per period."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from northstar.okrs.models import KeyResult, Objective, Period
from northstar.workspaces.models import QuickRows, Team, TenantModel, TenantQuerySet, User


class RoadmapModel(TenantModel):
    """The roadmap's own rows: OKR trees read only linked work's end dates and milestones from them, so their
    changes leave kept trees standing, brought up to date (workspaces.revisions)."""

    outside_okrs = True
    trees_ignore = True  # dependencies, baselines, capacity, scenarios: OKR trees read none (work items do)

    class Meta:
        abstract = True


class WorkItemKind(models.TextChoices):
    INITIATIVE = "initiative", _("Initiative")
    MILESTONE = "milestone", _("Milestone")
    TASK = "task", _("Task")


class WorkItemStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class WorkItem(QuickRows, RoadmapModel):
    trees_ignore = False  # their end dates and milestones
    key = models.SlugField(_("key"), max_length=80)
    kind = models.CharField(_("kind"), max_length=12, choices=WorkItemKind.choices, default=WorkItemKind.TASK)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="work_items", verbose_name=_("team")
    )
    owner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("owner")
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        verbose_name=_("part of"),
    )
    # A milestone has one date: start == end.
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=WorkItemStatus.choices, default=WorkItemStatus.PLANNED
    )
    estimate_days = models.FloatField(_("estimate (person-days)"), null=True, blank=True)
    effort_done_days = models.FloatField(_("effort done (person-days)"), default=0)
    # Classic prioritisation inputs, shown beside the strategic score (the workspace picks RICE or WSJF).
    reach = models.FloatField(_("reach"), null=True, blank=True, help_text=_("People or events per period."))
    impact = models.FloatField(_("impact"), null=True, blank=True, help_text=_("0.25 minimal … 3 massive."))
    confidence = models.FloatField(
        pgettext_lazy("RICE", "confidence"), null=True, blank=True, help_text=_("0 to 1.")
    )
    cost_of_delay = models.FloatField(_("cost of delay"), null=True, blank=True)
    job_size = models.FloatField(_("job size"), null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("work item")
        verbose_name_plural = _("work items")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["workspace", "key"], name="unique_work_item_key")]
        indexes = [
            models.Index(fields=["workspace", "start", "end"], name="work_item_dates_idx"),
            # the roadmap's order, and the next position when an item is added (MAX without a scan)
            models.Index(fields=["workspace", "position"], name="work_item_position_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_milestone(self) -> bool:
        return self.kind == WorkItemKind.MILESTONE

    def key_results_touched(self, *, deleting: bool = False) -> frozenset[int] | None:
        if deleting:
            return None  # its parts and their links go with it unseen (a cascade): any key result
        return frozenset(
            Contribution.objects.filter(work_item_id=self.pk, key_result__isnull=False).values_list(
                "key_result_id", flat=True
            )
        )


class DependencyKind(models.TextChoices):
    FINISH_TO_START = "fs", _("Finish to start")
    START_TO_START = "ss", _("Start to start")
    FINISH_TO_FINISH = "ff", _("Finish to finish")


class Dependency(QuickRows, RoadmapModel):
    predecessor = models.ForeignKey(
        WorkItem, on_delete=models.CASCADE, related_name="successor_links", verbose_name=_("predecessor")
    )
    successor = models.ForeignKey(
        WorkItem, on_delete=models.CASCADE, related_name="predecessor_links", verbose_name=_("successor")
    )
    kind = models.CharField(
        _("type"), max_length=2, choices=DependencyKind.choices, default=DependencyKind.FINISH_TO_START
    )
    lag_days = models.IntegerField(_("lag (days)"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dependency")
        verbose_name_plural = _("dependencies")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="unique_dependency"),
            models.CheckConstraint(
                condition=~models.Q(predecessor=models.F("successor")), name="dependency_not_on_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor_id} → {self.successor_id} ({self.kind})"


class Contribution(RoadmapModel):
    """A work item serves a key result (or a whole objective) with a weight: its expected share of the impact."""

    trees_ignore = False

    work_item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="contributions")
    key_result = models.ForeignKey(
        KeyResult, null=True, blank=True, on_delete=models.CASCADE, related_name="contributions"
    )
    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.CASCADE, related_name="contributions"
    )
    weight = models.FloatField(_("weight"), default=1.0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(key_result__isnull=False, objective__isnull=True)
                    | models.Q(key_result__isnull=True, objective__isnull=False)
                ),
                name="contribution_to_one_target",
            ),
            models.UniqueConstraint(fields=["work_item", "key_result"], name="unique_contribution_kr"),
            models.UniqueConstraint(fields=["work_item", "objective"], name="unique_contribution_objective"),
        ]

    def __str__(self) -> str:
        return f"{self.work_item_id} → {self.key_result_id or self.objective_id} ({self.weight})"

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any, **kwargs: Any) -> Contribution:
        link = super().from_db(db, field_names, values, **kwargs)
        link.read_key_result_id = link.__dict__.get("key_result_id")
        return link

    def key_results_touched(self, *, deleting: bool = False) -> frozenset[int] | None:
        # the key result it serves, and the one it served when read, should that have changed
        return frozenset({self.key_result_id, getattr(self, "read_key_result_id", None)} - {None})


class Baseline(RoadmapModel):
    name = models.CharField(_("name"), max_length=120)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("baseline")
        verbose_name_plural = _("baselines")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class BaselineItem(RoadmapModel):
    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE, related_name="items")
    work_item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="baseline_dates")
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["baseline", "work_item"], name="unique_baseline_item")]

    def __str__(self) -> str:
        return f"{self.baseline_id}: {self.work_item_id} {self.start}..{self.end}"


class TeamCapacity(RoadmapModel):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="capacities")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="capacities")
    person_days = models.FloatField(_("capacity (person-days)"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("team capacity")
        verbose_name_plural = _("team capacities")
        constraints = [models.UniqueConstraint(fields=["team", "period"], name="unique_team_capacity")]

    def __str__(self) -> str:
        return f"{self.team_id} in {self.period_id}: {self.person_days}"


class ScenarioStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPLIED = "applied", _("Applied")


class ScenarioOrigin(models.TextChoices):
    MANUAL = "manual", _("Made by hand")
    OPTIMISER = "optimiser", _("From the optimiser")


class Scenario(RoadmapModel):
    """A what-if overlay on the plan: changes that touch nothing until someone applies them."""

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    period = models.ForeignKey(
        Period, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("period")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ScenarioStatus.choices, default=ScenarioStatus.DRAFT
    )
    origin = models.CharField(max_length=10, choices=ScenarioOrigin.choices, default=ScenarioOrigin.MANUAL)
    # The optimiser's reasons (codes and numbers, rendered in the reader's language when shown).
    explanation = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    applied_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    applied_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class ChangeKind(models.TextChoices):
    ADD = "add", _("Add an item")
    DROP = "drop", _("Drop an item")
    MOVE = "move", _("Move an item")
    ESTIMATE = "estimate", _("Re-estimate an item")
    CAPACITY = "capacity", _("Change a team's capacity")


class ScenarioChange(RoadmapModel):
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("change"), max_length=10, choices=ChangeKind.choices)
    # drop / move / estimate: the item, and its version when the change was made (apply answers 409 when the
    # item has been changed since). When the item is deleted the change stays, marked as gone.
    work_item = models.ForeignKey(
        WorkItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("work item"),
    )
    base_version = models.PositiveIntegerField(null=True, blank=True)
    item_title = models.CharField(max_length=300, blank=True)
    # add: the new item (and the key result it serves)
    item_kind = models.CharField(
        _("kind"), max_length=12, choices=WorkItemKind.choices, default=WorkItemKind.INITIATIVE
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("team")
    )
    parent = models.ForeignKey(
        WorkItem, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("part of")
    )
    key_result = models.ForeignKey(
        KeyResult,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("serves"),
    )
    weight = models.FloatField(_("weight"), default=1.0)
    # add / move: dates; add / estimate: estimate
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    estimate_days = models.FloatField(_("estimate (person-days)"), null=True, blank=True)
    # capacity
    period = models.ForeignKey(
        Period, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("period")
    )
    person_days = models.FloatField(_("capacity (person-days)"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("scenario change")
        verbose_name_plural = _("scenario changes")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.scenario_id}: {self.kind} {self.work_item_id or self.item_title}"
