from __future__ import annotations

import datetime as dt

import pytest

from northstar.exchange.demo import (
    DEMO_LOGIN,
    DEMO_PASSWORD,
    DEMO_SLUG,
    load_demo,
    shift_days,
    shift_document,
)
from northstar.exchange.schema import infer_period_kind
from northstar.okrs.models import CheckIn, Objective, Period
from northstar.roadmap.models import Contribution, Dependency, TeamCapacity, WorkItem
from northstar.workspaces.models import User, Workspace

# A fixed "today" before the real clock, so that shifted check-ins are never in the future.
TODAY = dt.date(2026, 9, 1)
DAYS = (TODAY - dt.date(2026, 11, 25)).days


def test_shift_days_puts_today_where_the_file_has_it():
    assert shift_days(dt.date(2026, 11, 25)) == 0
    assert shift_days(dt.date(2027, 1, 4)) == 40
    assert shift_days(TODAY) == DAYS == -85


def test_shift_document_moves_every_date_by_the_same_days(finvest_raw):
    shifted = shift_document(finvest_raw, 40)
    delta = dt.timedelta(days=40)
    assert shifted["periods"][0]["start"] == finvest_raw["periods"][0]["start"] + delta
    assert shifted["periods"][1]["end"] == finvest_raw["periods"][1]["end"] + delta
    first = finvest_raw["objectives"][0]["key_results"][0]["check_ins"][0]
    assert shifted["objectives"][0]["key_results"][0]["check_ins"][0]["date"] == first["date"] + delta
    assert shifted["work"][0]["children"][2]["date"] == finvest_raw["work"][0]["children"][2]["date"] + delta
    assert finvest_raw["periods"][0]["start"] == dt.date(2026, 7, 1)  # the original is left alone


def test_shifted_periods_keep_their_kind(finvest_raw):
    shifted = shift_document(finvest_raw, 60)  # the quarter becomes 30 Nov – 1 Mar: not three calendar months
    quarter = shifted["periods"][1]
    assert infer_period_kind(quarter["start"], quarter["end"]) == "custom"
    assert [p["kind"] for p in shifted["periods"]] == ["year", "quarter"]


def test_not_shifting_keeps_the_dates(finvest_raw):
    assert shift_document(finvest_raw, 0)["periods"][0]["start"] == dt.date(2026, 7, 1)


@pytest.mark.django_db
def test_the_demo_loads_finvest_shifted_to_today():
    result = load_demo(today=TODAY)
    assert result.loaded and result.shifted_by == DAYS
    workspace = Workspace.objects.get(slug=DEMO_SLUG)
    year = Period.objects.get(workspace=workspace, key="FY27")
    assert year.start == dt.date(2026, 7, 1) + dt.timedelta(days=DAYS)
    assert year.kind == "year"
    latest = CheckIn.objects.filter(workspace=workspace).order_by("-checked_in_at").first()
    assert latest.checked_in_at.date() == dt.date(2026, 11, 2) + dt.timedelta(days=DAYS)
    assert (TODAY - latest.checked_in_at.date()).days == 23  # as on 2026-11-25 in the file


@pytest.mark.django_db
def test_the_demo_loads_the_roadmap_with_its_dates_shifted_too(finvest_raw):
    load_demo(today=TODAY)
    workspace = Workspace.objects.get(slug=DEMO_SLUG)
    delta = dt.timedelta(days=DAYS)
    checkout = WorkItem.objects.get(workspace=workspace, key="offer-checkout")
    assert (checkout.start, checkout.end) == (dt.date(2026, 11, 23) + delta, dt.date(2026, 12, 18) + delta)
    probes = WorkItem.objects.get(workspace=workspace, key="probes-live")
    assert probes.start == probes.end == dt.date(2027, 1, 20) + delta
    assert WorkItem.objects.filter(workspace=workspace).count() == 12
    assert Dependency.objects.filter(workspace=workspace).count() == 4
    assert Contribution.objects.filter(workspace=workspace).count() == 7
    assert TeamCapacity.objects.filter(workspace=workspace).count() == len(finvest_raw["capacity"])


@pytest.mark.django_db
def test_the_demo_can_keep_the_file_dates():
    load_demo(today=TODAY, shift=False)
    assert Period.objects.get(key="FY27").start == dt.date(2026, 7, 1)


@pytest.mark.django_db
def test_everyone_in_the_demo_logs_in_with_the_demo_password():
    result = load_demo(today=TODAY)
    assert (result.login, result.password) == (DEMO_LOGIN, "northstar-demo")
    for user in User.objects.filter(email__endswith="@finvest.example"):
        assert user.check_password(DEMO_PASSWORD)


@pytest.mark.django_db
def test_loading_the_demo_twice_does_not_duplicate_it():
    load_demo(today=TODAY)
    again = load_demo(today=TODAY)
    assert not again.loaded
    assert "exists already" in again.message
    assert Workspace.objects.count() == 1
    assert Objective.objects.count() == 3


@pytest.mark.django_db
def test_reset_deletes_the_demo_and_loads_it_afresh():
    load_demo(today=TODAY)
    first_pk = Workspace.objects.get(slug=DEMO_SLUG).pk
    result = load_demo(today=TODAY, shift=False, reset=True)
    assert result.loaded
    workspace = Workspace.objects.get(slug=DEMO_SLUG)
    assert workspace.pk != first_pk
    assert Objective.objects.count() == 3
    assert Period.objects.get(key="FY27").start == dt.date(2026, 7, 1)
    assert User.objects.filter(email__endswith="@finvest.example").count() == 5
    assert WorkItem.objects.filter(workspace=workspace).count() == 12  # the roadmap was reloaded, not doubled
    assert WorkItem.objects.get(key="probes-live").start == dt.date(2027, 1, 20)
