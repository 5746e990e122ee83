"""Strategic scores and the ranked backlog: the Finvest demo by hand, the page and the API for every persona, query
counts, and the RICE/WSJF inputs of the work item form, the API and the workspace settings."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from northstar.exchange.demo import load_demo
from northstar.insights.scores import load_scores
from northstar.okrs import actions as okr_actions
from northstar.okrs.models import KeyResult, Objective
from northstar.roadmap import actions as roadmap_actions
from northstar.roadmap.models import WorkItem
from northstar.roadmap.testing import make_roadmap
from northstar.testing import API, PERSONAS
from northstar.workspaces.models import Team, User, Workspace
from northstar.workspaces.permissions import actor_for

TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def finvest(db):
    load_demo(today=TODAY, shift=False)
    workspace = Workspace.objects.get(slug="finvest")
    return actor_for(User.objects.get(email="maria.lind@finvest.example"), workspace)


def growth_backlog(actor):
    growth = Team.objects.get(workspace=actor.workspace, key="growth")
    return load_scores(actor).backlog(growth.pk)


# --- the Finvest demo -------------------------------------------------------------------------------------------


def test_dark_mode_scores_0_and_sits_last_in_growths_backlog(finvest):
    rows = growth_backlog(finvest)
    keys = [r.item.key for r in rows]
    last = rows[-1]
    assert last.item.title == "Dark mode for the mobile app"
    assert last.ranked.strategic == 0 and last.ranked.reason == "no_link" and last.deprioritised
    assert keys.index("annual-plan-offer") < keys.index("dark-mode")


def test_the_annual_plan_offer_scores_as_computed_by_hand(finvest):
    # recurring-revenue's key results weigh 1, 1 and 0.5: shares 0.4, 0.4 and 0.2; the objective weighs 1 and
    # aligns to nothing. The offer serves annual-conversion with 0.7 and monthly-churn with 0.3.
    offer = next(r for r in growth_backlog(finvest) if r.item.key == "annual-plan-offer")
    terms = {line.term.link_weight: line.term for line in offer.scored.terms}
    assert terms[0.7].kr_share == pytest.approx(0.4) and terms[0.3].kr_share == pytest.approx(0.4)
    assert terms[0.7].objective_weight == terms[0.3].objective_weight == 1.0
    assert offer.ranked.strategic == pytest.approx(0.7 * 0.4 + 0.3 * 0.4) == pytest.approx(0.4)
    assert offer.ranked.reason == "linked" and offer.rank == 1


def test_an_objectives_weight_flows_down_the_alignment_tree(finvest):
    # IT's maximum-uptime (3 key results of weight 1) aligns to recurring-revenue; the synthetic checks serve one
    # of its key results with weight 1: 1 × 1/3 × (1 × 1).
    def synthetic():
        return load_scores(finvest).items[WorkItem.objects.get(key="synthetic-checks").pk]

    assert synthetic().score.value == pytest.approx(1 / 3)
    revenue = Objective.objects.get(key="recurring-revenue")
    okr_actions.update_objective(finvest, revenue.pk, weight=2)
    scored = synthetic()
    assert scored.score.value == pytest.approx(2 / 3)
    assert scored.terms[0].explanation == "link 1.0 × KR share 0.33 × objective weight 2.0 = 0.67"


def test_done_and_cancelled_work_is_not_in_the_backlog(finvest):
    keys = {r.item.key for r in load_scores(finvest).backlog(None)}
    assert "offer-design" not in keys and "team-invitations" not in keys  # both done
    roadmap_actions.update_work_item(finvest, WorkItem.objects.get(key="dark-mode").pk, status="cancelled")
    assert "dark-mode" not in {r.item.key for r in growth_backlog(finvest)}


def test_a_teams_backlog_holds_its_sub_teams_work(finvest):
    company = Team.objects.get(workspace=finvest.workspace, key="finvest")
    keys = {r.item.key for r in load_scores(finvest).backlog(company.pk)}
    assert {"annual-plan-offer", "billing-platform-v2", "faq-chatbot", "dark-mode"} <= keys


def test_the_page_explains_each_score_and_flags_work_that_serves_nothing(finvest, client):
    client.force_login(finvest.user)
    growth = Team.objects.get(workspace=finvest.workspace, key="growth")
    html = client.get(f"/insights/backlog/?team={growth.pk}").content.decode()
    offer = WorkItem.objects.get(key="annual-plan-offer")
    assert f'href="/roadmap/items/{offer.pk}/"' in html
    assert "link 0.7 × KR share 0.4 × objective weight 1.0 = 0.28" in html
    assert 'title="link 0.7 × KR share 0.4 × objective weight 1.0 = 0.28; link 0.3' in html
    assert "<details>" in html and "De-prioritised: serves no key result" in html
    assert html.index("Annual plan offer at renewal") < html.index("Dark mode for the mobile app")
    assert "Combined = ½ × strategic score" in html  # the formula is on the page


def test_the_page_defaults_to_the_actors_first_team_and_htmx_gets_the_table(finvest, client):
    omar = User.objects.get(email="omar.haddad@finvest.example")  # in Growth
    client.force_login(omar)
    html = client.get("/insights/backlog/").content.decode()
    assert "Backlog of Growth" in html and "Chattbot" not in html
    fragment = client.get(
        "/insights/backlog/?team=all", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="backlog-table"
    ).content.decode()
    assert fragment.lstrip().startswith('<section id="backlog-table"') and "Chattbot" in fragment
    assert client.get("/insights/backlog/?team=999999").status_code == 404
    assert client.get("/insights/backlog/?team=nope").status_code == 404


def test_a_long_backlog_comes_a_page_at_a_time_ranked_across_pages(finvest, client, monkeypatch):
    from northstar.insights import views_backlog

    monkeypatch.setattr(views_backlog, "BACKLOG_PAGE_SIZE", 2)
    every = load_scores(finvest).backlog(None)
    assert len(every) > 4
    client.force_login(finvest.user)
    pages = (len(every) + 1) // 2
    shown = []
    for number in range(1, pages + 1):
        html = client.get(f"/insights/backlog/?team=all&page={number}").content.decode()
        shown += [int(pk) for pk in re.findall(r'<th scope="row">\s*<a href="/roadmap/items/(\d+)/"', html)]
        assert f"Page {number} of {pages}" in html
    assert shown == [row.item.pk for row in every]


# --- personas ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_backlog_page_for_each_persona(world, client, persona):
    make_roadmap(world)
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)
    response = client.get("/insights/backlog/?team=all")
    if user is None:
        assert response.status_code == 302
        return
    assert response.status_code == 200
    html = response.content.decode()
    if persona == "outsider":  # signed in to workspace B: nothing of A
        assert "Launch annual plans" not in html and "Growth" not in html
        assert client.get(f"/insights/backlog/?team={world.growth.pk}").status_code == 404
    else:
        assert "Launch annual plans" in html and "Tidy the wiki" in html


def test_a_link_to_a_private_objective_counts_only_for_those_who_see_it(world):
    rm = make_roadmap(world)
    boss = world.actor(world.owner)
    roadmap_actions.set_contribution(boss, rm.wiki.pk, key_result=world.private_key_result.pk)
    assert load_scores(world.actor(world.editor)).items[rm.wiki.pk].score.reason == "linked"
    hidden = load_scores(world.actor(world.other_team)).items[rm.wiki.pk]  # Ivan, IT: cannot see it
    assert hidden.score.value == 0 and hidden.score.reason == "no_link"


def test_scores_kept_with_the_roadmap_stand_through_a_check_in_and_follow_the_plan_and_the_viewer(
    world, settings
):
    from northstar.roadmap.queries import load_roadmap

    settings.NORTHSTAR_ROADMAPS_KEPT = 4
    rm = make_roadmap(world)
    boss, ivan = world.actor(world.owner), world.actor(world.other_team)
    roadmap = load_roadmap(boss, today=TODAY)
    kept = load_scores(boss, roadmap)
    fresh = load_scores(boss)
    assert {pk: s.score.value for pk, s in kept.items.items()} == {
        pk: s.score.value for pk, s in fresh.items.items()
    }
    assert kept.items[rm.wiki.pk].score.reason == "no_link"
    okr_actions.do_check_in(boss, world.key_result.pk, value=6)
    assert load_roadmap(boss, today=TODAY) is roadmap  # a check-in leaves the plan standing
    with CaptureQueriesContext(connection) as queries:
        assert load_scores(boss, roadmap) is kept
    assert len(queries) == 0
    roadmap_actions.set_contribution(boss, rm.wiki.pk, key_result=world.private_key_result.pk)
    assert load_scores(boss, load_roadmap(boss, today=TODAY)).items[rm.wiki.pk].score.reason == "linked"
    hidden = load_scores(ivan, load_roadmap(ivan, today=TODAY)).items[rm.wiki.pk]  # Ivan cannot see the link
    assert hidden.score.reason == "no_link"


@pytest.mark.parametrize(
    ("persona", "status"),
    [("owner", 200), ("admin", 200), ("editor", 200), ("viewer", 200), ("other_team", 200),
     ("outsider", 404), ("anonymous", 401)],
)  # fmt: skip
def test_scores_api_for_each_persona(world, client, persona, status):
    rm = make_roadmap(world)
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)
    response = client.get(f"{API}/scores?team={world.growth.pk}")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        ids = [row["work_item"] for row in body["items"]]
        assert rm.wiki.pk == ids[-1] and rm.initiative.pk in ids and rm.hosting.pk not in ids
        assert body["count"] == len(ids)
    if persona == "outsider":
        assert client.get(f"{API}/scores").json() == {"count": 0, "items": []}


def test_scores_api_shape_and_paging(finvest, client):
    client.force_login(finvest.user)
    growth = Team.objects.get(workspace=finvest.workspace, key="growth")
    body = client.get(f"{API}/scores?team={growth.pk}&limit=1").json()
    offer = WorkItem.objects.get(key="annual-plan-offer")
    conversion = KeyResult.objects.get(key="annual-conversion")
    assert body["count"] == 4 and len(body["items"]) == 1
    first = body["items"][0]
    assert first["work_item"] == offer.pk and first["rank"] == 1 and first["team"] == growth.pk
    assert first["strategic"] == pytest.approx(0.4) and first["reason"] == "linked"
    assert first["classic"] is None and first["combined"] == pytest.approx(0.5)
    term = next(t for t in first["terms"] if t["key_result"] == conversion.pk)
    assert term == {
        "key_result": conversion.pk, "objective": conversion.objective_id, "link_weight": 0.7,
        "kr_share": pytest.approx(0.4), "objective_weight": 1.0, "value": pytest.approx(0.28),
    }  # fmt: skip
    last = client.get(f"{API}/scores?team={growth.pk}&offset=3").json()["items"]
    assert [(r["rank"], r["reason"], r["strategic"], r["terms"]) for r in last] == [(4, "no_link", 0, [])]
    assert client.get(f"{API}/scores?limit=0").status_code == 422


# --- query counts -----------------------------------------------------------------------------------------------


def add_work(world, n):
    boss = world.actor(world.owner)
    for i in range(n):
        item = roadmap_actions.create_work_item(
            boss, title=f"Item {i}", kind="task", team=world.growth.pk, estimate_days=5,
            start=dt.date(2026, 10, 1), end=dt.date(2026, 11, 1),
        )  # fmt: skip
        roadmap_actions.update_work_item(boss, item.pk, reach=100 + i, impact=1, confidence=0.5)
        if i % 2:
            roadmap_actions.set_contribution(boss, item.pk, key_result=world.key_result.pk, weight=0.5)


@pytest.mark.parametrize("url", ["/insights/backlog/?team=all", f"{API}/scores?limit=500"])
def test_query_count_does_not_grow_with_the_items(world, client, url):
    make_roadmap(world)
    client.force_login(world.editor)
    add_work(world, 3)
    client.get(url)  # the first request settles the session
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add_work(world, 12)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    if url.startswith(API):
        assert response.json()["count"] == 5 + 15  # the roadmap's open items and the new ones
    else:
        assert "Item 11" in response.content.decode()
    assert len(many) == len(few)


# --- classic scores: the inputs from the form, the API and the settings --------------------------------------------


def wiki_classic(world, rm):
    world.workspace.refresh_from_db()  # the settings page changes the row, not this object
    return load_scores(world.actor(world.owner)).items[rm.wiki.pk].classic


def test_rice_inputs_saved_through_the_form_change_the_classic_score(world, client):
    rm = make_roadmap(world)
    assert wiki_classic(world, rm) is None  # no inputs yet
    client.force_login(world.editor)
    form = client.get(f"/roadmap/items/{rm.wiki.pk}/edit/").content.decode()
    assert 'name="reach"' in form and 'name="cost_of_delay"' in form
    data = {
        "title": "Tidy the wiki", "kind": "task", "team": world.growth.pk, "status": "planned",
        "start": "2026-12-01", "end": "2026-12-10", "estimate_days": "4", "version": rm.wiki.version,
        "reach": "200", "impact": "2", "confidence": "0.5",
    }  # fmt: skip
    response = client.post(f"/roadmap/items/{rm.wiki.pk}/edit/", data)
    assert response.status_code == 302
    assert wiki_classic(world, rm) == pytest.approx(200 * 2 * 0.5 / 4)
    assert 'value="200.0"' in client.get(f"/roadmap/items/{rm.wiki.pk}/edit/").content.decode()


def test_a_new_item_from_the_form_keeps_its_rice_inputs(world, client):
    client.force_login(world.editor)
    data = {
        "title": "Referral programme", "kind": "task", "team": world.growth.pk, "status": "planned",
        "estimate_days": "10", "reach": "50", "impact": "1", "confidence": "0.8",
    }  # fmt: skip
    assert client.post("/roadmap/items/new/", data).status_code == 302
    item = WorkItem.objects.get(title="Referral programme")
    assert load_scores(world.actor(world.owner)).items[item.pk].classic == pytest.approx(4.0)


def test_form_rejects_a_confidence_above_1(world, client):
    client.force_login(world.editor)
    data = {"title": "Sure thing", "kind": "task", "team": world.growth.pk, "status": "planned",
            "confidence": "1.5"}  # fmt: skip
    response = client.post("/roadmap/items/new/", data)
    assert response.status_code == 422 and not WorkItem.objects.filter(title="Sure thing").exists()


def test_rice_and_wsjf_inputs_through_the_api_change_the_classic_score(world, client):
    rm = make_roadmap(world)
    client.force_login(world.editor)
    created = client.post(
        f"{API}/work-items",
        {"title": "Referral programme", "team": world.growth.pk, "estimate_days": 5, "reach": 100,
         "impact": 1, "confidence": 0.5},
        content_type="application/json",
    )  # fmt: skip
    assert created.status_code == 201 and created.json()["reach"] == 100
    scores = client.get(f"{API}/scores?team={world.growth.pk}").json()["items"]
    assert next(r for r in scores if r["work_item"] == created.json()["id"])["classic"] == pytest.approx(10)

    patched = client.patch(
        f"{API}/work-items/{rm.wiki.pk}",
        {"version": rm.wiki.version, "estimate_days": 2, "reach": 10, "impact": 3, "confidence": 1},
        content_type="application/json",
    )
    assert patched.status_code == 200
    assert wiki_classic(world, rm) == pytest.approx(15)
    refused = client.patch(
        f"{API}/work-items/{rm.wiki.pk}", {"version": patched.json()["version"], "job_size": 0},
        content_type="application/json",
    )  # fmt: skip
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "job_size"


def test_the_workspace_setting_picks_the_classic_score(world, client):
    rm = make_roadmap(world)
    boss = world.actor(world.owner)
    roadmap_actions.update_work_item(
        boss, rm.wiki.pk, estimate_days=4, reach=200, impact=2, confidence=0.5, cost_of_delay=30, job_size=3
    )
    assert wiki_classic(world, rm) == pytest.approx(50)  # RICE by default
    client.force_login(world.admin)
    page = client.get("/settings/").content.decode()
    assert 'name="classic_score"' in page
    data = {"name": "Acme", "check_in_cadence_days": 14, "orphan_percent": 15, "language": "en"}
    assert client.post("/settings/", {**data, "classic_score": "wsjf"}).status_code == 302
    assert wiki_classic(world, rm) == pytest.approx(10)
    html = client.get("/insights/backlog/?team=all").content.decode()
    assert '<th scope="col" class="num">WSJF</th>' in html
    assert client.post("/settings/", data).status_code == 302  # left out: kept
    assert Workspace.objects.get(pk=world.workspace.pk).classic_score == "wsjf"
    assert client.post("/settings/", {**data, "classic_score": "none"}).status_code == 302
    assert wiki_classic(world, rm) is None
    # Without a classic score the combined score is the strategic score over the backlog's best.
    world.workspace.refresh_from_db()
    rows = load_scores(world.actor(world.owner)).backlog(None)
    assert rows[0].ranked.combined == pytest.approx(1.0)
