"""An iCalendar feed (RFC 5545) of milestones and period ends, per team or for the whole workspace.

Calendar apps cannot sign in, so the feed's address carries a signed token naming the person, the workspace and
the team; each request rebuilds the person's actor, so the feed shows what they may see today and nothing once
they leave the workspace."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from northstar.okrs.models import Period
from northstar.roadmap.models import WorkItem, WorkItemKind
from northstar.workspaces.errors import NotFound
from northstar.workspaces.models import Team, User, Workspace
from northstar.workspaces.permissions import Actor, actor_for, descendants

SALT = "northstar.calendar"


def feed_token(actor: Actor, team_id: int | None) -> str:
    return signing.dumps(
        {"u": actor.user_id, "w": actor.workspace.pk, "t": team_id}, salt=SALT, compress=True
    )


def feed_url(actor: Actor, team_id: int | None) -> str:
    return settings.NORTHSTAR_BASE_URL + reverse("calendar-feed", args=[feed_token(actor, team_id)])


def actor_of_token(token: str) -> tuple[Actor, int | None]:
    try:
        data = signing.loads(token, salt=SALT)
        user = User.objects.get(pk=data["u"], is_active=True)
        workspace = Workspace.objects.get(pk=data["w"])
    except (signing.BadSignature, User.DoesNotExist, Workspace.DoesNotExist, KeyError, TypeError) as exc:
        raise NotFound from exc
    actor = actor_for(user, workspace)
    if not actor.is_member:
        raise NotFound
    return actor, data.get("t")


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with a space (RFC 5545, 3.1)."""
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return line
    parts, start = [], 0
    while start < len(raw):
        end = min(len(raw), start + (75 if not parts else 74))
        while end < len(raw) and (raw[end] & 0xC0) == 0x80:  # never split a character
            end -= 1
        parts.append(raw[start:end].decode("utf-8"))
        start = end
    return "\r\n ".join(parts)


def _event(uid: str, day: dt.date, summary: str, description: str, url: str, stamp: str) -> list[str]:
    return [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
        f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{_escape(summary)}",
        f"DESCRIPTION:{_escape(description)}",
        f"URL:{url}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def calendar(actor: Actor, team_id: int | None, now: dt.datetime | None = None) -> str:
    """The feed's text: milestones of the team (and the teams under it) or of all teams, and every period end."""
    stamp = (now or timezone.now()).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    base = settings.NORTHSTAR_BASE_URL
    milestones = WorkItem.objects.restrict(actor).filter(kind=WorkItemKind.MILESTONE, start__isnull=False)
    name = actor.workspace.name
    if team_id is not None:
        team = Team.objects.restrict(actor).filter(pk=team_id).first()
        if team is None:
            raise NotFound
        children: dict[Any, list[int]] = {}
        for pk, parent in Team.objects.restrict(actor).values_list("id", "parent_id"):
            children.setdefault(parent, []).append(pk)
        milestones = milestones.filter(team_id__in=descendants(children, frozenset({team.pk})))
        name = f"{actor.workspace.name} · {team.name}"
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//northstar//OKR roadmap//EN", "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_escape(name)}",
    ]  # fmt: skip
    host = base.split("//", 1)[-1]
    for m in milestones.select_related("team").order_by("start", "id"):
        lines += _event(
            f"milestone-{m.pk}@{host}", m.start, m.title,  # type: ignore[arg-type]
            _("Milestone of %(team)s (%(status)s).") % {"team": m.team.name, "status": m.get_status_display()},
            base + reverse("work-item", args=[m.pk]), stamp,
        )  # fmt: skip
    for p in Period.objects.restrict(actor).order_by("end", "id"):
        lines += _event(
            f"period-end-{p.pk}@{host}", p.end, _("End of %(period)s") % {"period": p.name},
            _("Last day of the period %(period)s: check in and close it.") % {"period": p.name},
            base + reverse("periods"), stamp,
        )  # fmt: skip
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
