from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from northstar.exchange.importer import ImportReport, import_document
from northstar.exchange.okr_yaml import parse_text
from northstar.workspaces.models import Workspace

FINVEST = Path(settings.NORTHSTAR_DEMO_FILE)


@pytest.fixture
def finvest_raw() -> dict[str, Any]:
    """The reference file as read by the format's parser: the tests count from this, not from the importer."""
    return parse_text(FINVEST.read_text(encoding="utf-8"))


@pytest.fixture
def finvest(finvest_raw) -> dict[str, Any]:
    return copy.deepcopy(finvest_raw)


def workspace_of(report: ImportReport) -> Workspace:
    return Workspace.objects.get(slug=report.workspace_slug)


@pytest.fixture
def imported(db, finvest) -> Workspace:
    return workspace_of(import_document(finvest))


DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def large(settings):
    """Every upload (a file to import, a backup to restore) counts as large; the queue only keeps what is handed to
    it (the test runs the tasks)."""
    settings.NORTHSTAR_IMPORT_AT_ONCE_BYTES = 100
    settings.TASKS = DUMMY
