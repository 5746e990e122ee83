"""Reviews: a team's (or the company's) look back over a stretch of a period, with the notes and learnings
people write into it. What the review shows is computed from the data as of its date (insights.reviews)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from northstar.okrs.models import Period
from northstar.workspaces.models import Team, TenantModel, TenantQuerySet, User


class ReviewKind(models.TextChoices):
    WEEKLY = "weekly", _("Weekly review")
    MONTHLY = "monthly", _("Monthly review")
    PERIOD_END = "period_end", _("End-of-period review")


class Review(TenantModel):
    outside_plan = True
    trees_ignore = True
    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("period")
    )
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reviews",
        verbose_name=_("team"),
        help_text=_("Empty: the whole company."),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ReviewKind.choices, default=ReviewKind.MONTHLY)
    since = models.DateField(_("looking back from"))
    as_of = models.DateField(_("as of"))
    notes = models.TextField(_("notes"), blank=True)
    learnings = models.TextField(_("learnings"), blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-as_of", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.as_of}"


class ReminderRun(TenantModel):
    """That a workspace's reminders of one kind went out for one day (check-ins) or ISO week (digest): the
    scheduler enqueues each at most once, however many workers run."""

    outside_plan = True
    trees_ignore = True
    kind = models.CharField(max_length=12)  # "check_in" | "digest"
    key = models.CharField(max_length=12)  # "2026-11-25" | "2026-W48"
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "kind", "key"], name="unique_reminder_run")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"
