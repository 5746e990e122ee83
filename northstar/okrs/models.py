"""Periods, objectives, key results and check-ins."""

from __future__ import annotations

import itertools
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from northstar.workspaces.models import QuickRows, Team, TenantModel, TenantQuerySet, User


class PeriodKind(models.TextChoices):
    YEAR = "year", _("Year")
    QUARTER = "quarter", _("Quarter")
    CUSTOM = "custom", _("Custom")


class Period(TenantModel):
    key = models.SlugField(_("key"), max_length=60)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=PeriodKind.choices, default=PeriodKind.CUSTOM)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    closed = models.BooleanField(_("closed"), default=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    retrospective = models.TextField(_("retrospective"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["start", "-end"]
        constraints = [models.UniqueConstraint(fields=["workspace", "key"], name="unique_period_key")]

    def __str__(self) -> str:
        return self.name


class ObjectiveStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class Visibility(models.TextChoices):
    WORKSPACE = "workspace", _("Everyone in the workspace")
    TEAM = "team", _("Only the team")


class Objective(QuickRows, TenantModel):
    # written alone, with the version: words, which leave every OKR tree's shape (which objectives, in what order,
    # what they align to, how they weigh) as it was; a kept tree reads the objective again (revisions.py) — and,
    # for an objective everyone sees, its owner (okr_ignored)
    okr_ignores = frozenset({"title", "description", "committed", "version", "updated_at"})
    key = models.SlugField(_("key"), max_length=80)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("owner")
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="objectives", verbose_name=_("team")
    )
    period = models.ForeignKey(
        Period,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="objectives",
        verbose_name=_("period"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ObjectiveStatus.choices, default=ObjectiveStatus.ACTIVE
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.WORKSPACE
    )
    weight = models.FloatField(_("weight"), default=1.0)
    committed = models.BooleanField(
        _("committed"),
        default=False,
        help_text=_("Committed objectives must be met in full; aspirational ones succeed at a lower score."),
    )
    final_score = models.FloatField(_("final score"), null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    parents = models.ManyToManyField(
        "self", through="Alignment", symmetrical=False, related_name="aligned_children", blank=True
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["workspace", "key"], name="unique_objective_key")]
        indexes = [
            models.Index(fields=["workspace", "period", "team"], name="objective_period_team_idx"),
            # the OKR tree's order, and the next position when an objective is added (MAX without a scan)
            models.Index(fields=["workspace", "position"], name="objective_position_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def key_results_touched(self, *, deleting: bool = False) -> frozenset[int] | None:
        return frozenset()  # its key results' latest values and linked work stand

    def objectives_touched(self) -> frozenset[int]:
        return frozenset({self.pk})

    def key_results_reshaped(self) -> frozenset[int] | None:
        return frozenset()  # made, removed, moved: its key results come and go with it (objectives_reshaped)

    def objectives_reshaped(self) -> frozenset[int]:
        return frozenset({self.pk})  # the tree reads the row again whole, with its key results and alignments

    def okr_ignored(self) -> frozenset[str]:
        # everyone sees an objective visible to the workspace, whoever owns it: a new owner (with the version)
        # leaves the trees' shape, and a kept tree reads the objective again with the viewer's rights on it
        if self.visibility == Visibility.WORKSPACE:
            return self.okr_ignores | {"owner", "owner_id"}
        return self.okr_ignores


class Alignment(TenantModel):
    """`child` contributes to `parent` (cross-team, any depth, no cycles)."""

    reshapes_objectives_alone = True

    child = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="alignments_up")
    parent = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="alignments_down")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["child", "parent"], name="unique_alignment")]

    def key_results_touched(self, *, deleting: bool = False) -> frozenset[int] | None:
        return frozenset()

    def key_results_reshaped(self) -> frozenset[int] | None:
        return frozenset()

    def objectives_reshaped(self) -> frozenset[int]:
        return frozenset({self.child_id, self.parent_id})  # a kept tree reads both ends' alignments again

    @classmethod
    def objectives_reshaped_by(cls, rows: models.QuerySet[Any]) -> frozenset[int] | None:
        return frozenset(itertools.chain.from_iterable(rows.values_list("child_id", "parent_id")))


class KRKind(models.TextChoices):
    INCREASE = "increase", _("Increase to a target")
    DECREASE = "decrease", _("Decrease to a target")
    RANGE = "range", _("Stay within a range")
    BOOLEAN = "boolean", _("Done or not done")
    MILESTONE = "milestone", _("Share of milestones reached")


class KeyResult(QuickRows, TenantModel):
    # a check-in writes these; the roadmap reads key results only for what they are and whom they belong to
    plan_ignores = frozenset(
        {"current_value", "current_confidence", "last_check_in_at", "version", "updated_at"}
    )
    # what a kept OKR tree reads again from the row when its version moves: written alone, with the version, they
    # leave the trees' frames (which objectives and key results) as they were — a new owner's right to check in
    # is worked out again with the row; what a search by title or owner found is kept under every change
    # (revisions.search_stamp)
    okr_ignores = plan_ignores | {
        "title",
        "owner",
        "owner_id",
        "start",
        "target",
        "low",
        "high",
        "weight",
        "unit",
        "description",
        "final_score",
    }
    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="key_results", verbose_name=_("objective")
    )
    key = models.SlugField(_("key"), max_length=80)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=KRKind.choices, default=KRKind.INCREASE)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    start = models.FloatField(_("start value"), null=True, blank=True)
    target = models.FloatField(_("target value"), null=True, blank=True)
    low = models.FloatField(_("lowest acceptable value"), null=True, blank=True)
    high = models.FloatField(_("highest acceptable value"), null=True, blank=True)
    weight = models.FloatField(_("weight"), default=1.0)
    owner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("owner")
    )
    position = models.PositiveIntegerField(default=0)
    # The latest check-in, kept on the row so that lists and roll-ups read one table.
    current_value = models.FloatField(null=True, blank=True)
    final_score = models.FloatField(_("final score"), null=True, blank=True)
    rolled_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rolled_into",
        verbose_name=_("continues"),
    )
    current_confidence = models.FloatField(null=True, blank=True)
    last_check_in_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("key result")
        verbose_name_plural = _("key results")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["workspace", "key"], name="unique_key_result_key")]

    def __str__(self) -> str:
        return self.title

    def key_results_touched(self, *, deleting: bool = False) -> frozenset[int] | None:
        return frozenset({self.pk})  # its latest values, or its definition

    def key_results_reshaped(self) -> frozenset[int] | None:
        return frozenset({self.pk})  # made, removed, moved or reordered: the tree reads the row again whole


class CheckIn(TenantModel):
    outside_plan = True  # the roadmap never reads check-ins
    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="check_ins")
    value = models.FloatField(_("value"))
    confidence = models.FloatField(_("confidence"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    author = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    checked_in_at = models.DateTimeField(_("checked in at"), default=timezone.now)
    source = models.CharField(
        _("source"),
        max_length=10,
        default="manual",
        help_text=_("manual, api (posted by a feed) or automatic"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["checked_in_at", "id"]
        indexes = [models.Index(fields=["key_result", "checked_in_at"], name="checkin_kr_time_idx")]

    def key_results_touched(self, *, deleting: bool = False) -> frozenset[int] | None:
        return frozenset({self.key_result_id})
