"""`northstar demo`: the Finvest example (exchange/data/finvest.yaml) in a workspace of its own.

The file's dates are absolute, with "today" at 2026-11-25 (mid fiscal year, late in the quarter). By default every
date is shifted by (today − 2026-11-25) days, so the demo always looks the way the file was written: check-ins a
few weeks old, the quarter nearly over. Everyone in the demo can log in with the password `northstar-demo`
(DEMO_PASSWORD); the owner is maria.lind@finvest.example. Loading it twice does nothing the second time, unless
`reset` deletes the demo workspace (slug `finvest`) and loads it afresh.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from northstar.exchange.importer import ImportReport, ProgressCallback, first_owner, import_document
from northstar.exchange.okr_yaml import read_path
from northstar.exchange.schema import infer_period_kind
from northstar.workspaces import actions as ws_actions
from northstar.workspaces.errors import ValidationFailed
from northstar.workspaces.models import User, Workspace
from northstar.workspaces.permissions import actor_for

DEMO_SLUG = "finvest"
DEMO_PASSWORD = "northstar-demo"  # documented in the README and printed by `northstar demo`
DEMO_LOGIN = "maria.lind@finvest.example"
REFERENCE_DAY = dt.date(2026, 11, 25)  # where "today" falls in finvest.yaml


def demo_file() -> Path:
    return Path(settings.NORTHSTAR_DEMO_FILE)


def shift_days(today: dt.date, reference: dt.date = REFERENCE_DAY) -> int:
    """How many days to move the file's dates so that `today` falls where `reference` falls in the file."""
    return (today - reference).days


def _shift(value: Any, delta: dt.timedelta) -> Any:
    if isinstance(value, dt.date):  # dates and datetimes alike
        return value + delta
    if isinstance(value, dict):
        return {k: _shift(v, delta) for k, v in value.items()}
    if isinstance(value, list):
        return [_shift(v, delta) for v in value]
    return value


def shift_document(document: Any, days: int) -> Any:
    """A copy of the document with every date moved by `days` (periods, check-ins, and the roadmap: the start, end
    and date of every work item at any depth).

    Periods whose kind followed from their dates (a year, a quarter) get it written out first, so that they stay a
    year and a quarter when the shift lands them on other month lengths."""
    document = copy.deepcopy(document)
    if isinstance(document, dict):
        for period in document.get("periods") or []:
            if isinstance(period, dict) and "kind" not in period:
                start, end = period.get("start"), period.get("end")
                if isinstance(start, dt.date) and isinstance(end, dt.date):
                    period["kind"] = infer_period_kind(start, end)
    return _shift(document, dt.timedelta(days=days)) if days else document


@dataclass
class DemoResult:
    loaded: bool
    workspace_slug: str
    login: str
    password: str
    shifted_by: int
    message: str
    report: ImportReport | None = None


def load_demo(
    *, today: dt.date, shift: bool = True, reset: bool = False, on_progress: ProgressCallback | None = None
) -> DemoResult:
    """Load finvest.yaml into the workspace `finvest`, shifted so that `today` is its 2026-11-25 unless
    `shift` is False. Skips when the workspace exists, unless `reset` deletes it first."""
    days = shift_days(today) if shift else 0
    existing = Workspace.objects.filter(slug=DEMO_SLUG).first()
    if existing is not None and not reset:
        return DemoResult(
            loaded=False, workspace_slug=DEMO_SLUG, login=DEMO_LOGIN, password=DEMO_PASSWORD, shifted_by=0,
            message=_("The demo workspace “%(slug)s” exists already; nothing was changed (use --reset to reload it).")
            % {"slug": DEMO_SLUG},
        )  # fmt: skip
    document = shift_document(read_path(demo_file()), days)
    with transaction.atomic():
        if existing is not None:
            owner = first_owner(existing)
            if owner is None:
                raise ValidationFailed.one("", _("The demo workspace has no owner to delete it."))
            ws_actions.delete_workspace(actor_for(owner, existing))
        report = import_document(
            document, user=DEMO_LOGIN, slug=DEMO_SLUG, password=DEMO_PASSWORD, on_progress=on_progress
        )
    login = User.objects.get(email=DEMO_LOGIN)
    message = _("The demo is ready in the workspace “%(slug)s”.") % {"slug": DEMO_SLUG}
    if not login.check_password(DEMO_PASSWORD):
        message += " " + _("%(email)s had an account already; their password was not changed.") % {
            "email": DEMO_LOGIN
        }
    return DemoResult(
        loaded=True, workspace_slug=report.workspace_slug, login=DEMO_LOGIN, password=DEMO_PASSWORD,
        shifted_by=days, message=message, report=report,
    )  # fmt: skip
