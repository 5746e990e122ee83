"""Check-in reminders and weekly digests: due once a day / once a week, one email per person in their own
language, through background tasks (run here with Django's immediate backend)."""

import datetime as dt

import pytest
from django.core import mail
from django.test import override_settings
from typer.testing import CliRunner

from northstar.cli import app
from northstar.exchange.demo import load_demo
from northstar.insights.models import ReminderRun
from northstar.insights.reminders import digests, schedule_due, stale_by_owner
from northstar.testing import freeze_today
from northstar.workspaces.models import User, Workspace

TODAY = dt.date(2026, 11, 25)
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    freeze_today(monkeypatch, TODAY)  # the pages and the API read "today"


@pytest.fixture
def finvest(db):
    load_demo(today=TODAY, shift=False)
    return Workspace.objects.get(slug="finvest")


def test_stale_key_results_are_grouped_by_owner(finvest):
    stale = stale_by_owner(finvest, TODAY)
    li = User.objects.get(email="li.chen@finvest.example")
    titles = [kr.title for kr in stale[li]]
    assert "Hold a retrospective to determine the root cause every time we have an outage" in titles
    assert all(kr.owner_id == li.pk for kr in stale[li])


@override_settings(TASKS=IMMEDIATE)
def test_reminders_and_digests_go_out_once_in_each_persons_language(finvest):
    owner = User.objects.get(email="li.chen@finvest.example")
    owner.language = "sv"
    owner.save()
    queued = schedule_due(TODAY)
    assert ("check_in", finvest.pk) in queued and ("digest", finvest.pk) in queued
    reminders = [m for m in mail.outbox if "check-in" in m.subject or "incheckning" in m.subject]
    to_li = [m for m in mail.outbox if m.to == [owner.email]]
    assert to_li and all("nyckelresultat" in m.subject or "OKR" in m.subject for m in to_li)
    assert any("/key-results/" in m.body for m in to_li)
    assert reminders
    count = len(mail.outbox)
    assert schedule_due(TODAY) == []  # due once a day and once a week: nothing more today
    assert len(mail.outbox) == count
    assert ReminderRun.objects.filter(workspace=finvest).count() == 2
    assert [k for k, _w in schedule_due(TODAY + dt.timedelta(days=1))] == ["check_in"]  # the same week


def test_a_digest_has_what_changed_what_waits_and_wins(finvest):
    li = User.objects.get(email="li.chen@finvest.example")
    [mine] = [d for d in digests(finvest, TODAY) if d.user == li]
    assert mine.stale and not mine.empty
    assert all(e.actor_id != li.pk for e in mine.changes)


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}})
def test_the_worker_runs_what_is_due_from_the_database_queue(transactional_db):
    """In a committed database, as in production: the worker closes its connections when it is done."""
    load_demo(today=TODAY, shift=False)
    finvest = Workspace.objects.get(slug="finvest")
    result = CliRunner().invoke(app, ["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert mail.outbox and ReminderRun.objects.filter(workspace=finvest, kind="check_in").exists()
