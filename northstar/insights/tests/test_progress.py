"""Progress twice on the Finvest demo (issue 6, "Must show"), the dashboard's filters and its API, the
forecast endpoint, and the queries they cost."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from northstar.exchange.demo import load_demo
from northstar.insights.progress import load_progress
from northstar.okrs import actions as okr_actions
from northstar.okrs.models import KeyResult, Period
from northstar.okrs.queries import key_result_detail
from northstar.roadmap import actions as roadmap_actions
from northstar.testing import API, freeze_today
from northstar.workspaces.models import Team, User, Workspace
from northstar.workspaces.permissions import actor_for

TODAY = dt.date(2026, 11, 25)
NOON = dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    freeze_today(monkeypatch, TODAY)  # the pages and the API read "today"


@pytest.fixture
def finvest(db):
    load_demo(today=TODAY, shift=False)
    workspace = Workspace.objects.get(slug="finvest")
    return actor_for(User.objects.get(email="maria.lind@finvest.example"), workspace)


def kr(prefix: str) -> KeyResult:
    return KeyResult.objects.get(title__startswith=prefix)


def quarter() -> Period:
    return Period.objects.get(key="FY27-Q2")


def test_seats_show_work_delivered_number_not_moving(finvest):
    board = load_progress(finvest, today=TODAY, period=quarter())
    found = {(d.kind, k.kr.pk) for d, k in board.divergences}
    assert ("work_without_outcome", kr("Increase the average").pk) in found
    seats = next(d for d, k in board.divergences if k.kr.pk == kr("Increase the average").pk)
    assert seats.done_share == 1.0 and seats.moved < 0.25


def test_convert_is_at_risk_with_a_probability_and_an_interval(finvest):
    view, _check_ins = key_result_detail(finvest, kr("Convert at least 20%").pk, today=TODAY)
    f = view.forecast
    assert f is not None and view.status.status == "at_risk" and view.status.reason == "forecast"
    assert 0.4 <= f.probability < 0.7
    assert f.low < f.expected < f.high and f.low < 20 < f.high


def test_the_dependency_risk_traces_to_the_overdue_migration(finvest):
    board = load_progress(finvest, today=TODAY, period=quarter())
    convert = kr("Convert at least 20%")
    [risk] = [r for r in board.risks if r.key_result.pk == convert.pk]
    assert risk.chain[0].title == "Migrate subscriptions to the new billing engine"
    assert risk.risk.days_late == 5  # it was due on 20 November
    assert risk.chain[-1].title == "Annual option in checkout"
    assert risk.objective.title == "Increase recurring revenues over the next year"


def test_a_key_result_reached_by_two_late_items_is_one_risk_that_counts_both(finvest, client):
    from northstar.roadmap.models import WorkItem

    checkout = WorkItem.objects.get(title="Annual option in checkout")
    late = roadmap_actions.create_work_item(finvest, kind="task", title="Pricing page copy", team=checkout.team_id,
                                            start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 26))  # fmt: skip
    roadmap_actions.add_dependency(finvest, predecessor=late.pk, successor=checkout.pk)
    board = load_progress(finvest, today=TODAY, period=quarter())
    [risk] = [r for r in board.risks if r.key_result.pk == kr("Convert at least 20%").pk]
    assert risk.chain[0].title == "Pricing page copy" and risk.risk.days_late == 30  # the worst of the two
    assert risk.risk.late_items == 2
    client.force_login(User.objects.get(email="maria.lind@finvest.example"))
    html = client.get(f"/?period={quarter().pk}").content.decode()
    assert "is 30 days late" in html and "and 1 more late item on the way" in html
    body = client.get(f"{API}/dashboard", {"period": quarter().pk}).json()
    [out] = [r for r in body["risks"] if r["key_result"] == kr("Convert at least 20%").pk]
    assert out["late_items"] == 2 and out["titles"][0] == "Pricing page copy"


def test_outputs_sit_beside_outcomes(finvest):
    board = load_progress(finvest, today=TODAY, period=quarter())
    revenue = next(p for p in board.objectives if p.view.objective.title.startswith("Increase recurring"))
    assert revenue.output is not None and revenue.output.effort_planned > 0
    assert 0 < revenue.output_share < 1
    assert revenue.output.work_left_days == revenue.output.effort_planned - revenue.output.effort_done


def test_the_dashboard_page_shows_both_and_the_alerts(finvest, client):
    client.force_login(User.objects.get(email="maria.lind@finvest.example"))
    html = client.get(f"/?period={quarter().pk}").content.decode()
    assert 'id="progress-table"' in html and "Work delivered, number not moving" in html
    assert "Dependency risk" in html and "is 5 days late" in html
    kundsupport = Team.objects.get(key="support")
    team_html = client.get(f"/?period={quarter().pk}&team={kundsupport.pk}").content.decode()
    assert "Ge våra kunder support i världsklass" in team_html
    assert "Increase recurring revenues" not in team_html.split('id="progress-table"')[1]


def test_a_person_sees_their_own_objectives(finvest, client):
    sara = kr("Höj kundnöjdheten").objective.owner  # owns the support objective, none of the others
    client.force_login(User.objects.get(email="maria.lind@finvest.example"))
    html = client.get(f"/?period={quarter().pk}&person={sara.pk}").content.decode()
    table = html.split('id="progress-table"')[1]
    assert "Ge våra kunder support i världsklass" in table and "Increase recurring revenues" not in table


def test_the_api_gives_the_same_board(finvest, client):
    client.force_login(User.objects.get(email="maria.lind@finvest.example"))
    body = client.get(f"{API}/dashboard", {"period": quarter().pk}).json()
    kinds = {(d["kind"], d["key_result"]) for d in body["divergences"]}
    assert ("work_without_outcome", kr("Increase the average").pk) in kinds
    risk = next(r for r in body["risks"] if r["key_result"] == kr("Convert at least 20%").pk)
    assert risk["titles"][0] == "Migrate subscriptions to the new billing engine" and risk["days_late"] == 5
    bad = client.get(f"{API}/dashboard", {"team": 999999})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "team"
    forecast = client.get(f"{API}/key-results/{kr('Convert at least 20%').pk}/forecast").json()
    assert forecast["status"] == "at_risk" and forecast["low"] < forecast["expected"] < forecast["high"]
    seats = client.get(f"{API}/key-results/{kr('Increase the average').pk}/forecast").json()
    [invitations] = seats["attributions"]
    assert invitations["title"] == "Team invitations and seat management"
    assert invitations["low"] <= invitations["effect"] <= invitations["high"]


def test_the_api_pages_the_board_and_its_long_lists(finvest, client, monkeypatch):
    from northstar.insights import api_progress

    monkeypatch.setattr(api_progress, "BOARD_LIST_SIZE", 1)
    board = load_progress(finvest, today=TODAY, period=quarter())
    assert len(board.objectives) > 2 and len(board.risks) >= 2 and board.divergences
    client.force_login(User.objects.get(email="maria.lind@finvest.example"))
    query = {"period": quarter().pk}
    pages = [client.get(f"{API}/dashboard", {**query, "limit": 2, "offset": n}).json() for n in (0, 2)]
    assert [p["objective_count"] for p in pages] == [len(board.objectives)] * 2
    shown = [o["objective"] for p in pages for o in p["objectives"]]
    assert shown == [p.view.objective.pk for p in board.objectives][:4]
    first = pages[0]
    assert (first["risk_count"], first["divergence_count"]) == (len(board.risks), len(board.divergences))
    assert [r["late_item"] for r in first["risks"]] == [board.risks[0].risk.late_item]
    assert len(first["divergences"]) == 1

    def every(path):
        found, offset = [], 0
        while True:
            body = client.get(f"{API}{path}", {**query, "limit": 1, "offset": offset}).json()
            found += body["items"]
            offset += 1
            if offset >= body["count"]:
                return body["count"], found

    count, risks = every("/dashboard/risks")
    assert count == len(risks) == len(board.risks)
    assert [(r["key_result"], r["late_item"]) for r in risks] == [
        (r.key_result.pk, r.risk.late_item) for r in board.risks
    ]
    count, divergences = every("/dashboard/divergences")
    assert [(d["kind"], d["key_result"]) for d in divergences] == [
        (d.kind, k.kr.pk) for d, k in board.divergences
    ]
    for path in ("/dashboard/risks", "/dashboard/divergences"):
        bad = client.get(f"{API}{path}", {"team": 999999})
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "team"
        assert client.get(f"{API}{path}", {"limit": 501}).json()["errors"][0]["field"] == "limit"


def test_outsiders_see_nothing(finvest, client, world):
    client.force_login(world.outsider)
    assert client.get(f"{API}/key-results/{kr('Convert at least 20%').pk}/forecast").status_code == 404
    body = client.get(f"{API}/dashboard").json()
    assert [o["title"] for o in body["objectives"]] == ["Bolt's own objective"]  # his own workspace only
    assert body["risks"] == [] and body["divergences"] == []
    for path in ("/dashboard/risks", "/dashboard/divergences"):
        assert client.get(f"{API}{path}").json() == {"count": 0, "items": []}
    html = client.get("/").content.decode()
    assert "Convert at least 20%" not in html and "Migrate subscriptions" not in html


def test_a_check_in_changes_the_forecast(finvest):
    convert = kr("Convert at least 20%")
    before, _c = key_result_detail(finvest, convert.pk, today=TODAY)
    okr_actions.do_check_in(finvest, convert.pk, value=19.5, confidence=0.8, checked_in_at=NOON)
    after, _c = key_result_detail(finvest, convert.pk, today=TODAY)
    assert after.forecast.probability > before.forecast.probability
    assert after.forecast.check_ins == before.forecast.check_ins + 1


def test_the_dashboard_reads_a_fixed_number_of_queries(finvest, client):
    client.force_login(User.objects.get(email="maria.lind@finvest.example"))
    url = f"/?period={quarter().pk}"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    growth = Team.objects.get(key="growth")
    for i in range(6):
        objective = okr_actions.create_objective(
            finvest, title=f"More {i}", team=growth.pk, period=quarter().pk
        )
        extra = okr_actions.create_key_result(
            finvest, objective.pk, title=f"Raise X{i} from 1 to 2", kind="increase", start=1, target=2
        )
        okr_actions.do_check_in(finvest, extra.pk, value=1.2, checked_in_at=NOON)
        item = roadmap_actions.create_work_item(
            finvest, title=f"Work {i}", kind="initiative", team=growth.pk, start=dt.date(2026, 10, 1),
            end=dt.date(2026, 11, 1), estimate_days=4, status="done",
        )  # fmt: skip
        roadmap_actions.set_contribution(finvest, item.pk, key_result=extra.pk)
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert "More 5" in html
    assert len(many) <= len(few), (len(few), len(many))


def test_adjustments_for_convert_become_a_scenario(finvest, client):
    client.force_login(User.objects.get(email="maria.lind@finvest.example"))
    html = client.get(f"/insights/adjust/?period={quarter().pk}").content.decode()
    assert (
        "Convert at least 20%" in html
        and "Drop “Dark mode for the mobile app” to free 25 person-days" in html
    )
    body = client.get(f"{API}/proposals", {"period": quarter().pk}).json()
    convert = next(a for a in body["items"] if a["key_result"] == kr("Convert at least 20%").pk)
    funded = next(p for p in convert["proposals"] if p["kind"] == "move_capacity")
    assert funded["probability_after"] > funded["probability_before"]
    response = client.post(
        "/insights/adjust/scenario/",
        {"period": quarter().pk, "key_result": convert["key_result"], "proposal": funded["rank"]},
    )
    from northstar.roadmap.models import Scenario, WorkItem

    scenario = Scenario.objects.get()
    assert response["Location"] == f"/scenarios/{scenario.pk}/"
    kinds = sorted(scenario.changes.values_list("kind", "key_result_id", "work_item_id"))
    dark = WorkItem.objects.get(title="Dark mode for the mobile app")
    assert kinds == sorted([("add", convert["key_result"], None), ("drop", None, dark.pk)])
    assert dark.status != "cancelled"  # a scenario only
    rescope = next(p for p in convert["proposals"] if p["kind"] == "rescope")
    refused = client.post(
        f"{API}/proposals/scenario",
        {"period": quarter().pk, "key_result": convert["key_result"], "rank": rescope["rank"]},
        content_type="application/json",
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "rank"
    made = client.post(
        f"{API}/proposals/scenario",
        {"period": quarter().pk, "key_result": convert["key_result"], "rank": funded["rank"]},
        content_type="application/json",
    )
    assert made.status_code == 201 and len(made.json()["changes"]) == 2


def test_viewers_see_proposals_but_make_no_scenario(finvest, client):
    from northstar.workspaces.models import Membership

    viewer = Membership.objects.filter(workspace=finvest.workspace, role="viewer").first().user
    client.force_login(viewer)
    html = client.get(f"/insights/adjust/?period={quarter().pk}").content.decode()
    assert "Convert at least 20%" in html and "Make it a scenario" not in html
    convert = kr("Convert at least 20%").pk
    assert (
        client.post("/insights/adjust/scenario/", {"key_result": convert, "proposal": 0}).status_code == 403
    )
    refused = client.post(
        f"{API}/proposals/scenario", {"key_result": convert, "rank": 0}, content_type="application/json"
    )
    assert refused.status_code == 403


def _answers(board):
    """What the dashboard shows of a board, in plain values."""
    return (
        board.counts,
        sorted((d.kind, k.kr.pk, round(d.moved, 9)) for d, k in board.divergences),
        [(r.risk.key_result, r.risk.late_item, r.risk.days_late, r.risk.late_items) for r in board.risks],
        [
            (o.view.objective.pk, o.output, [i.pk for i in o.items], o.confidence_trend)
            for o in board.objectives
        ],
        {pk: list(rows) for pk, rows in board.history.items()},
    )


def test_after_a_check_in_the_kept_work_side_and_histories_give_the_board_computed_afresh(finvest, settings):
    from northstar.okrs.queries import forget_forecasts

    settings.NORTHSTAR_ROADMAPS_KEPT = 2
    settings.NORTHSTAR_CHECK_INS_KEPT = 100_000
    forget_forecasts()
    seats = kr("Increase the average")
    first = load_progress(finvest, today=TODAY, period=quarter())
    assert ("work_without_outcome", seats.pk) in {(d.kind, k.kr.pk) for d, k in first.divergences}

    okr_actions.do_check_in(finvest, seats.pk, value=seats.target, checked_in_at=NOON)
    kept = load_progress(finvest, today=TODAY, period=quarter())
    assert kept.roadmap is first.roadmap  # the check-in left the plan as it was
    assert seats.pk not in {k.kr.pk for _d, k in kept.divergences}  # the number moved: no divergence
    assert kept.history[seats.pk][-1][1] == seats.target

    settings.NORTHSTAR_ROADMAPS_KEPT = 0
    settings.NORTHSTAR_CHECK_INS_KEPT = 0
    forget_forecasts()
    assert _answers(load_progress(finvest, today=TODAY, period=quarter())) == _answers(kept)


def test_a_change_to_the_plan_works_out_the_boards_work_side_again(finvest, settings):
    settings.NORTHSTAR_ROADMAPS_KEPT = 2
    first = load_progress(finvest, today=TODAY, period=quarter())
    served = next(o for o in first.objectives if o.items and o.output and o.output.tasks_total)
    item = next(i for i in served.items if i.status != "done" and i.kind == "task")
    roadmap_actions.update_work_item(finvest, item.pk, status="done")
    again = load_progress(finvest, today=TODAY, period=quarter())
    assert again.roadmap is not first.roadmap
    after = next(o for o in again.objectives if o.view.objective.pk == served.view.objective.pk)
    assert after.output.tasks_done > served.output.tasks_done


def test_adjustments_come_a_page_at_a_time_and_a_page_proposes_what_the_whole_list_does(
    finvest, client, monkeypatch
):
    from northstar.insights import views_adjust
    from northstar.insights.adjust import load_adjustments

    monkeypatch.setattr(views_adjust, "ADJUST_PAGE_SIZE", 1)
    every = load_adjustments(finvest, today=TODAY, period=quarter())
    assert len(every) >= 2

    def proposed(a):
        return a.view.kr.pk, [(p.kind, p.item, p.freed_from, p.probability_after) for p in a.proposals]

    client.force_login(User.objects.get(email="maria.lind@finvest.example"))
    for number, a in enumerate(every, start=1):
        html = client.get(f"/insights/adjust/?period={quarter().pk}&page={number}").content.decode()
        shown = [e.view.kr.title for e in every if f'id="risk-{e.view.kr.pk}"' in html]
        assert shown == [a.view.kr.title]
        assert f"Key results {number}–{number} of {len(every)} at risk" in html
        assert f"Page {number} of {len(every)}" in html
    pages = [
        client.get(f"{API}/proposals", {"period": quarter().pk, "limit": 1, "offset": n}).json()
        for n in range(len(every))
    ]
    assert {p["count"] for p in pages} == {len(every)}
    assert [
        (
            o["key_result"],
            [(x["kind"], x["work_item"], x["freed_from"], x["probability_after"]) for x in o["proposals"]],
        )
        for p in pages
        for o in p["items"]
    ] == [proposed(a) for a in every]
    bad = client.get(f"{API}/proposals", {"limit": 0})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "limit"
