"""What the roadmap must show on the Finvest demo (issue: "Must show")."""

import datetime as dt

import pytest

from northstar.exchange.demo import load_demo
from northstar.roadmap import actions
from northstar.roadmap.models import WorkItem
from northstar.roadmap.queries import UNLINKED, driving_chain, load_roadmap
from northstar.workspaces.models import User, Workspace
from northstar.workspaces.permissions import actor_for

TODAY = dt.date(2026, 11, 25)  # the day the reference file is written for: no date shift


@pytest.fixture
def finvest(db):
    load_demo(today=TODAY, shift=False)
    workspace = Workspace.objects.get(slug="finvest")
    return actor_for(User.objects.get(email="maria.lind@finvest.example"), workspace)


def item(key: str) -> WorkItem:
    return WorkItem.objects.get(key=key)


def test_objectives_are_the_lanes_and_unlinked_work_comes_last(finvest):
    rm = load_roadmap(finvest, today=TODAY)
    assert [lane.label for lane in rm.lanes] == [
        "Increase recurring revenues over the next year",
        "Achieve maximum uptime over the next three months",
        "Ge våra kunder support i världsklass",
        "Not linked to any OKR",
    ]
    unlinked = [v.item.title for v in rm.items if v.lane == UNLINKED]
    assert unlinked == ["Dark mode for the mobile app"]


def test_synthetic_monitoring_ends_after_the_quarter_of_its_key_result(finvest):
    rm = load_roadmap(finvest, today=TODAY)
    conflicts = rm.by_id[item("synthetic-checks").pk].conflicts
    # Ends 2027-01-20; FY27-Q2 ends 2026-12-31.
    assert [c.kind for c in conflicts] == ["period"] and "20 days" in conflicts[0].message


def test_moving_the_migration_two_weeks_later_makes_the_checkout_conflict(finvest):
    before = load_roadmap(finvest, today=TODAY)
    assert not before.by_id[item("offer-checkout").pk].conflicts
    migration = item("billing-migration")
    actions.update_work_item(
        finvest,
        migration.pk,
        start=migration.start + dt.timedelta(days=14),
        end=migration.end + dt.timedelta(days=14),
    )
    after = load_roadmap(finvest, today=TODAY)
    conflicted = {v.item.key for v in after.items if any(c.kind == "dependency" for c in v.conflicts)}
    # The checkout (starts 2026-11-23) now starts before the migration ends (2026-12-04); the cut-over milestone
    # (2026-12-10) still comes after it.
    assert conflicted == {"offer-checkout"}
    message = after.by_id[item("offer-checkout").pk].conflicts[0].message
    assert "Migrate subscriptions to the new billing engine" in message


def test_the_migration_holds_the_date_of_the_offer_going_live(finvest):
    rm = load_roadmap(finvest, today=TODAY)
    chain = [w.key for w in driving_chain(rm, item("offer-launch").pk)]
    assert chain == ["billing-migration", "offer-checkout", "offer-launch"]


def test_the_synthetic_monitoring_key_result_counts_its_milestone(finvest):
    from northstar.okrs.models import KeyResult
    from northstar.okrs.queries import key_result_detail

    view, _check_ins = key_result_detail(
        finvest, KeyResult.objects.get(key="synthetic-monitoring").pk, today=TODAY
    )
    assert view.milestones == (0, 1)  # "Probes live" inherits its initiative's link and is not reached yet
    actions.update_work_item(finvest, item("probes-live").pk, status="done")
    view, _check_ins = key_result_detail(
        finvest, KeyResult.objects.get(key="synthetic-monitoring").pk, today=TODAY
    )
    assert view.milestones == (1, 1) and view.progress.value == 1.0
