import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from northstar.exchange.demo import load_demo
from northstar.insights.queries import coverage_report
from northstar.okrs.models import Period
from northstar.roadmap import actions as roadmap_actions
from northstar.testing import PERSONAS
from northstar.workspaces.models import User, Workspace
from northstar.workspaces.permissions import actor_for

TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def finvest(db):
    load_demo(today=TODAY, shift=False)
    workspace = Workspace.objects.get(slug="finvest")
    return actor_for(User.objects.get(email="maria.lind@finvest.example"), workspace)


def quarter(actor):
    return Period.objects.get(workspace=actor.workspace, key="FY27-Q2")


def test_finvest_dark_mode_is_orphan_work_above_the_threshold(finvest):
    report = coverage_report(finvest, quarter(finvest), today=TODAY)
    assert [item.key for item in report.orphans] == ["dark-mode"]
    growth = next(line for line in report.teams if line.team.key == "growth")
    # Growth's planned effort inside 2026-10-01..2026-12-31, spread evenly over each item's days:
    # design 8 × 10/26 (10 of its 26 days fall in October) + checkout 20 + team invitations 30 × 20/67
    # + dark mode 25 (the annual offer counts through its estimated parts, the launch milestone has no estimate).
    planned = 8 * 10 / 26 + 20 + 30 * 20 / 67 + 25
    assert growth.planned == pytest.approx(planned)
    assert growth.orphan == pytest.approx(25)
    assert growth.orphan_share == pytest.approx(25 / planned) and growth.over_threshold
    assert report.warning


def test_finvest_unsupported_key_results(finvest):
    report = coverage_report(finvest, quarter(finvest), today=TODAY)
    titles = {k.key for k in report.unsupported_key_results}
    assert "resolved-within-24h" in titles
    assert "csat" not in titles and "annual-conversion" not in titles


def test_linking_the_orphan_removes_it(finvest):
    from northstar.okrs.models import KeyResult
    from northstar.roadmap.models import WorkItem

    dark = WorkItem.objects.get(key="dark-mode")
    roadmap_actions.set_contribution(
        finvest, dark.pk, key_result=KeyResult.objects.get(key="monthly-churn").pk
    )
    report = coverage_report(finvest, quarter(finvest), today=TODAY)
    assert report.orphans == [] and report.company_orphan_share == 0


def test_cross_team_dependencies_are_listed(finvest):
    report = coverage_report(finvest, quarter(finvest), today=TODAY)
    assert [(a.key, b.key) for a, b in report.cross_team] == [("billing-migration", "offer-checkout")]


def test_the_page_lists_the_first_dependencies_across_teams_and_says_how_many_more(
    finvest, client, monkeypatch
):
    from northstar.insights import views
    from northstar.roadmap.models import WorkItem

    checkout = WorkItem.objects.get(key="offer-checkout")
    billing = WorkItem.objects.get(key="billing-migration")
    other = (
        WorkItem.objects.filter(workspace=finvest.workspace)
        .exclude(team=checkout.team)
        .exclude(pk=billing.pk)
    )
    late = other.filter(status__in=["planned", "in_progress"]).first()
    roadmap_actions.add_dependency(finvest, predecessor=late.pk, successor=checkout.pk)
    every = coverage_report(finvest, quarter(finvest), today=TODAY).cross_team
    assert len(every) == 2
    monkeypatch.setattr(views, "CROSS_TEAM_SHOWN", 1)
    client.force_login(finvest.user)
    html = client.get(f"/insights/coverage/?period={quarter(finvest).pk}").content.decode()
    section = html[html.index("Dependencies across teams") :]
    first, second = every
    assert (
        f'href="/roadmap/items/{first[0].pk}/"' in section
        and f'href="/roadmap/items/{second[0].pk}/"' not in section
    )
    assert "1 more dependency across teams; the API's coverage report lists every one." in section


@pytest.mark.parametrize("persona", PERSONAS)
def test_coverage_page_for_each_persona(world, client, persona):
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)
    response = client.get("/insights/coverage/")
    if user is None:
        assert response.status_code == 302
        return
    assert response.status_code == 200
    if persona == "outsider":  # signed in to workspace B: nothing of A
        html = response.content.decode()
        assert "Growth" not in html and world.quarter.name not in html


def test_coverage_query_count_does_not_grow_with_work(world, client):
    boss = world.actor(world.owner)
    client.force_login(world.owner)

    def add(n):
        for i in range(n):
            roadmap_actions.create_work_item(
                boss, title=f"Item {i}", kind="task", team=world.growth.pk,
                start=dt.date(2026, 10, 1), end=dt.date(2026, 11, 1), estimate_days=5,
            )  # fmt: skip

    add(2)
    client.get(f"/insights/coverage/?period={world.quarter.pk}")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/insights/coverage/?period={world.quarter.pk}")
    add(10)
    with CaptureQueriesContext(connection) as many:
        response = client.get(f"/insights/coverage/?period={world.quarter.pk}")
    assert "Item 9" in response.content.decode()
    assert len(many) == len(few)


@pytest.mark.parametrize("url", ["/", "/roadmap/"])
def test_dashboard_and_roadmap_warn_about_orphan_work_above_the_threshold(db, client, url):
    from django.utils import timezone

    load_demo(
        today=timezone.localdate()
    )  # pages read the real date: shift the demo so today is its 2026-11-25
    finvest = actor_for(
        User.objects.get(email="maria.lind@finvest.example"), Workspace.objects.get(slug="finvest")
    )
    client.force_login(finvest.user)
    html = client.get(url).content.decode()
    assert "serves no key result (threshold 15 %)" in html and "Growth:" in html
    Workspace.objects.filter(pk=finvest.workspace.pk).update(orphan_threshold=0.5)
    assert "serves no key result" not in client.get(url).content.decode()


def test_the_api_reports_coverage_and_hides_other_workspaces(finvest, client):
    client.force_login(finvest.user)
    body = client.get(f"/api/v1/coverage?period={quarter(finvest).pk}").json()
    growth = next(t for t in body["teams"] if t["name"] == "Growth")
    assert growth["over_threshold"] and growth["orphan_days"] == pytest.approx(25)
    assert body["warning"] is True and len(body["orphans"]) == 1
    outsider = User.objects.create_user("nobody@else.example", "pw-123456789")
    from northstar.workspaces.actions import create_workspace

    create_workspace(outsider, name="Elsewhere")
    client.force_login(outsider)
    assert client.get(f"/api/v1/coverage?period={quarter(finvest).pk}").status_code == 404


def test_cli_report_coverage_prints_the_orphan_share_and_lists(finvest):
    from typer.testing import CliRunner

    from northstar.cli import app

    result = CliRunner().invoke(app, ["report", "coverage", "--workspace", "finvest", "--period", "FY27-Q2"])
    assert result.exit_code == 0, result.output
    assert "threshold 15 %" in result.output and "Dark mode for the mobile app" in result.output
    assert "Håll andelen ärenden lösta inom 24 timmar" in result.output
    missing = CliRunner().invoke(app, ["report", "coverage", "--workspace", "finvest", "--period", "nope"])
    assert missing.exit_code == 1


def test_misalignment_finds_unaligned_team_objectives_and_work_done_without_effect(world, settings):
    from northstar.okrs import actions as okr_actions

    boss = world.actor(world.owner)
    lonely = okr_actions.create_objective(
        boss, title="Lonely growth goal", team=world.growth.pk, period=world.quarter.pk
    )
    kr = okr_actions.create_key_result(
        boss, lonely.pk, title="Raise signups from 100 to 200", start=100, target=200
    )
    okr_actions.do_check_in(boss, kr.pk, value=120, checked_in_at=dt.datetime(2026, 10, 5, 12, tzinfo=dt.UTC))
    done = roadmap_actions.create_work_item(
        boss, title="Signup flow", kind="task", team=world.growth.pk,
        start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 20), status="done",
    )  # fmt: skip
    roadmap_actions.set_contribution(boss, done.pk, key_result=kr.pk)
    okr_actions.do_check_in(
        boss, kr.pk, value=118, checked_in_at=dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC)
    )
    report = coverage_report(boss, world.quarter, today=TODAY)
    found = {(kind, subject.pk) for kind, subject in report.misaligned}
    assert ("team_objective_unaligned", lonely.pk) in found
    # 120 when the work ended on 20 October, 118 now: the work is done and the number did not move up.
    assert ("work_done_number_flat", kr.pk) in found
    # The IT objective aligns to the revenue objective: not reported.
    assert ("team_objective_unaligned", world.it_objective.pk) not in found

    # With roadmaps and check-ins kept, a check-in that moves the number clears the finding: the number is read
    # afresh, while what the report read from the plan is kept with the roadmap.
    settings.NORTHSTAR_ROADMAPS_KEPT = 2
    settings.NORTHSTAR_CHECK_INS_KEPT = 1000
    assert ("work_done_number_flat", kr.pk) in {(k, s.pk) for k, s in coverage_report(boss, world.quarter, today=TODAY).misaligned}  # fmt: skip
    okr_actions.do_check_in(
        boss, kr.pk, value=150, checked_in_at=dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC)
    )
    again = {
        (kind, subject.pk) for kind, subject in coverage_report(boss, world.quarter, today=TODAY).misaligned
    }
    assert ("work_done_number_flat", kr.pk) not in again
    assert ("team_objective_unaligned", lonely.pk) in again


@pytest.mark.parametrize(
    "listed, phrase",
    [
        ("unsupported_key_results", "more key results with no work planned"),
        ("orphans", "more orphan work item;"),
    ],
)
def test_the_page_lists_the_first_of_each_list_and_says_how_many_more(
    finvest, client, monkeypatch, listed, phrase
):
    from django.urls import reverse

    from northstar.insights import views
    from northstar.workspaces.models import Team

    growth = Team.objects.get(workspace=finvest.workspace, key="growth")
    roadmap_actions.create_work_item(finvest, title="Confetti on every page", team=growth, estimate_days=5,
                                     start=dt.date(2026, 11, 2), end=dt.date(2026, 11, 20))  # fmt: skip
    every = getattr(coverage_report(finvest, quarter(finvest), today=TODAY), listed)
    assert len(every) >= 2
    monkeypatch.setattr(views, "COVERAGE_LISTED", 1)
    client.force_login(finvest.user)
    html = client.get(f"/insights/coverage/?period={quarter(finvest).pk}").content.decode()
    name = "key-result" if listed == "unsupported_key_results" else "work-item"
    assert f'href="{reverse(name, args=[every[0].pk])}"' in html
    assert not any(f'href="{reverse(name, args=[row.pk])}"' in html for row in every[1:])
    assert f"{len(every) - 1} {phrase}" in html and "the API's coverage report lists every one" in html
