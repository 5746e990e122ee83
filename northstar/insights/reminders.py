"""Check-in reminders for stale key results and a weekly digest per person, as emails in each person's
language, sent by background tasks (Django's tasks framework). `schedule_due` enqueues what is due — once a day
for reminders, once an ISO week (on Mondays or later) for digests — and is run by `northstar worker`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from northstar.insights.models import ReminderRun
from northstar.okrs.models import CheckIn, KeyResult
from northstar.okrs.queries import key_result_view
from northstar.workspaces.models import AuditEntry, Membership, User, Workspace
from northstar.workspaces.permissions import actor_for


@dataclass
class Digest:
    user: User
    workspace: Workspace
    stale: list[KeyResult] = field(default_factory=list)
    wins: list[tuple[KeyResult, float]] = field(default_factory=list)  # (key result, progress now)
    changes: list[AuditEntry] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.stale or self.wins or self.changes)


def _language(user: User, workspace: Workspace) -> str:
    return user.language or workspace.language or settings.LANGUAGE_CODE


def stale_by_owner(workspace: Workspace, today: dt.date) -> dict[User, list[KeyResult]]:
    """The stale key results of each owner (not milestone-kind: those move with the roadmap), in one query."""
    out: dict[User, list[KeyResult]] = {}
    krs = (
        KeyResult.objects.filter(workspace=workspace, owner__isnull=False, objective__status="active")
        .exclude(kind="milestone")
        .select_related("owner", "objective__period")
        .order_by("owner_id", "position", "id")
    )
    for kr in krs:
        if kr.objective.period is not None and kr.objective.period.closed:
            continue
        if key_result_view(kr, kr.objective.period, today, workspace.check_in_cadence_days).stale:
            out.setdefault(kr.owner, []).append(kr)
    return out


def digests(workspace: Workspace, today: dt.date) -> list[Digest]:
    """For each member: their stale key results, their key results that moved this week, and the changes made
    to their objectives and key results this week by others — each through the permission gate."""
    since = today - dt.timedelta(days=7)
    stale = stale_by_owner(workspace, today)
    out = []
    for membership in Membership.objects.filter(workspace=workspace).select_related("user"):
        user = membership.user
        actor = actor_for(user, workspace)
        mine = list(KeyResult.objects.restrict(actor).filter(owner=user).select_related("objective__period"))
        moved = set(
            CheckIn.objects.restrict(actor)
            .filter(key_result__in=mine, checked_in_at__date__gt=since, checked_in_at__date__lte=today)
            .values_list("key_result_id", flat=True)
        )
        wins = []
        for kr in mine:
            view = key_result_view(kr, kr.objective.period, today, workspace.check_in_cadence_days)
            if kr.pk in moved and view.status.status in ("on_track", "done"):
                wins.append((kr, view.progress.value))
        owned = {kr.objective_id for kr in mine}
        changes = list(
            AuditEntry.objects.restrict(actor)
            .filter(at__date__gt=since, at__date__lte=today, objective_ref__in=owned)
            .exclude(actor=user)
            .select_related("actor")
            .order_by("-at")[:20]
        )
        out.append(Digest(user, workspace, stale.get(user, []), wins, changes))
    return out


def _send(user: User, subject: str, template: str, context: dict[str, object]) -> None:
    send_mail(subject, render_to_string(template, context), None, [user.email])


@task
def send_check_in_reminders(workspace_id: int, day: str) -> int:
    """One email per owner of stale key results; returns how many were sent."""
    workspace = Workspace.objects.get(pk=workspace_id)
    today = dt.date.fromisoformat(day)
    sent = 0
    for user, krs in stale_by_owner(workspace, today).items():
        with translation.override(_language(user, workspace)):
            subject = _("%(workspace)s: %(n)d key results wait for your check-in") % {
                "workspace": workspace.name,
                "n": len(krs),
            }
            context = {
                "user": user,
                "krs": krs,
                "workspace": workspace,
                "base_url": settings.NORTHSTAR_BASE_URL,
            }
            _send(user, subject, "insights/email/check_in_reminder.txt", context)
        sent += 1
    return sent


@task
def send_weekly_digests(workspace_id: int, day: str) -> int:
    workspace = Workspace.objects.get(pk=workspace_id)
    sent = 0
    for digest in digests(workspace, dt.date.fromisoformat(day)):
        if digest.empty:
            continue
        with translation.override(_language(digest.user, workspace)):
            subject = _("%(workspace)s: your week in OKRs") % {"workspace": workspace.name}
            context = {"d": digest, "base_url": settings.NORTHSTAR_BASE_URL}
            _send(digest.user, subject, "insights/email/weekly_digest.txt", context)
        sent += 1
    return sent


def _claim(workspace: Workspace, kind: str, key: str) -> bool:
    try:
        with transaction.atomic():
            ReminderRun.objects.create(workspace=workspace, kind=kind, key=key)
    except IntegrityError:
        return False
    return True


def schedule_due(today: dt.date) -> list[tuple[str, int]]:
    """Enqueue the reminders and digests that are due and not enqueued yet; returns (kind, workspace id)."""
    queued = []
    week = f"{today.isocalendar().year}-W{today.isocalendar().week:02d}"
    for workspace in Workspace.objects.all():
        if _claim(workspace, "check_in", today.isoformat()):
            send_check_in_reminders.enqueue(workspace.pk, today.isoformat())
            queued.append(("check_in", workspace.pk))
        if _claim(workspace, "digest", week):
            send_weekly_digests.enqueue(workspace.pk, today.isoformat())
            queued.append(("digest", workspace.pk))
    return queued
