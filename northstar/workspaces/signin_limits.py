"""Limits on guessing passwords: a window of ``WINDOW`` in which ``PER_EMAIL`` failures for one email, or
``PER_ADDRESS`` from one client address, lock signing in there until the oldest of them leaves the window.

Kept in the database, so every server process and worker counts the same failures."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.utils import timezone

from northstar.workspaces.models import FailedSignIn

WINDOW = dt.timedelta(minutes=15)
PER_EMAIL = 5
PER_ADDRESS = 20
KEEP = dt.timedelta(days=1)


def client_ip(request: Any) -> str:
    return str(getattr(request, "META", {}).get("REMOTE_ADDR", ""))[:45] if request is not None else ""


def locked_for(email: str, ip: str, now: dt.datetime | None = None) -> int:
    """Minutes until signing in is allowed again (0: it is allowed now)."""
    now = now or timezone.now()
    since = now - WINDOW
    waits = []
    for field, value, limit in (("email", email, PER_EMAIL), ("ip", ip, PER_ADDRESS)):
        if not value:
            continue
        recent = list(
            FailedSignIn.objects.filter(**{field: value}, at__gt=since)
            .order_by("-at")
            .values_list("at", flat=True)[:limit]
        )
        if len(recent) >= limit:
            waits.append(recent[-1] + WINDOW - now)
    if not waits:
        return 0
    return max(1, math.ceil(max(waits).total_seconds() / 60))


def failed(email: str, ip: str, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    FailedSignIn.objects.filter(at__lt=now - KEEP).delete()
    FailedSignIn.objects.create(email=email[:254], ip=ip, at=now)


def succeeded(email: str) -> None:
    FailedSignIn.objects.filter(email=email).delete()
