"""The roadmap pages: timeline (and its JSON), board, list, the work item page and its forms, per persona."""

import datetime as dt
import json
import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from northstar.okrs.models import KeyResult
from northstar.roadmap import actions
from northstar.roadmap.models import Contribution, Dependency, WorkItem
from northstar.roadmap.queries import load_roadmap, timeline_rows
from northstar.testing import PERSONAS
from northstar.workspaces.models import Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world):
    """Growth's initiative serving the annual-plans KR (a task and a milestone inside it), an IT item serving the
    IT objective's KR, and one unlinked item; the task depends on the IT item."""
    boss = world.actor(world.owner)
    offer = actions.create_work_item(
        boss, title="Annual offer", kind="initiative", team=world.growth.pk,
        start=dt.date(2026, 10, 1), end=dt.date(2027, 1, 31), estimate_days=20,
    )  # fmt: skip
    actions.set_contribution(boss, offer.pk, key_result=world.key_result.pk, weight=0.7)
    checkout = actions.create_work_item(
        boss, title="Checkout option", kind="task", parent=offer.pk,
        start=dt.date(2026, 11, 20), end=dt.date(2026, 12, 18), estimate_days=10, effort_done_days=4,
    )  # fmt: skip
    launch = actions.create_work_item(
        boss, title="Offer live", kind="milestone", parent=offer.pk, start=dt.date(2027, 1, 15)
    )
    billing = actions.create_work_item(
        boss, title="Billing engine", kind="task", team=world.it.pk,
        start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30),
    )  # fmt: skip
    uptime_kr = world.it_objective.key_results.get()
    actions.set_contribution(boss, billing.pk, key_result=uptime_kr.pk)
    dark = actions.create_work_item(
        boss, title="Dark mode", kind="initiative", team=world.growth.pk,
        start=dt.date(2026, 11, 1), end=dt.date(2026, 12, 20),
    )  # fmt: skip
    dep = actions.add_dependency(boss, predecessor=billing.pk, successor=checkout.pk)
    return SimpleNamespace(
        offer=offer,
        checkout=checkout,
        launch=launch,
        billing=billing,
        dark=dark,
        dep=dep,
        uptime_kr=uptime_kr,
    )


def page_urls(plan):
    offer = plan.offer.pk
    return {
        "timeline": "/roadmap/",
        "timeline_json": "/roadmap/timeline.json",
        "board": "/roadmap/board/",
        "list": "/roadmap/list/",
        "item": f"/roadmap/items/{offer}/",
        "item_edit": f"/roadmap/items/{offer}/edit/",
        "item_create": "/roadmap/items/new/",
        "dependency_add": f"/roadmap/items/{offer}/dependencies/new/",
        "contribution_add": f"/roadmap/items/{offer}/serves/new/",
        "pick_items": "/roadmap/pick/work-items/?q=",
        "pick_key_results": "/roadmap/pick/key-results/?q=",
        "pick_objectives": "/roadmap/pick/objectives/?q=",
        "pick_teams": "/roadmap/pick/teams/?q=",
        "pick_people": "/roadmap/pick/people/?q=",
    }


PAGES = [
    "timeline", "timeline_json", "board", "list", "item", "item_edit", "item_create", "dependency_add",
    "contribution_add", "pick_items", "pick_key_results", "pick_objectives", "pick_teams", "pick_people",
]  # fmt: skip
READ = [
    "timeline",
    "timeline_json",
    "board",
    "list",
    "item",
    "pick_items",
    "pick_key_results",
    "pick_objectives",
    "pick_teams",
    "pick_people",
]
EVERYTHING = dict.fromkeys(PAGES, 200)
READ_ONLY = {**dict.fromkeys(PAGES, 403), **dict.fromkeys(READ, 200)}
EXPECTED = {
    "owner": EVERYTHING,
    "admin": EVERYTHING,
    "editor": EVERYTHING,  # the items belong to Growth, the editor's team
    "viewer": READ_ONLY,
    "other_team": {**READ_ONLY, "item_create": 200},  # may plan IT's work, not change Growth's
    # Signed in to workspace B: its own (empty) roadmap, and workspace A's items do not exist.
    "outsider": {**dict.fromkeys(PAGES, 404),
                 **dict.fromkeys(["timeline", "timeline_json", "board", "list", "pick_items", "pick_key_results",
                                  "pick_objectives", "pick_teams", "pick_people"], 200),
                 "item_create": 200},
}  # fmt: skip


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page_name", PAGES)
def test_page_permissions(world, plan, client, persona, page_name):
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)
    response = client.get(page_urls(plan)[page_name])
    if user is None:
        assert response.status_code == 302 and "/login/" in response["Location"]
        return
    assert response.status_code == EXPECTED[persona][page_name]
    if persona == "outsider":
        body = response.content.decode()
        for title in (
            "Annual offer",
            "Checkout option",
            "Billing engine",
            "Dark mode",
            world.objective.title,
        ):
            assert title not in body


def test_viewer_sees_the_roadmap_read_only(world, plan, client):
    client.force_login(world.viewer)
    html = client.get("/roadmap/").content.decode()
    assert "Annual offer" in html and "New item" not in html
    data = client.get("/roadmap/timeline.json").json()
    assert data["items"] and not any(item["can_change"] for item in data["items"])
    detail = client.get(f"/roadmap/items/{plan.offer.pk}/").content.decode()
    assert "Edit" not in detail and "Add dependency" not in detail
    moved = client.patch(
        f"/api/v1/work-items/{plan.offer.pk}",
        json.dumps({"version": plan.offer.version, "start": "2026-10-02", "end": "2027-02-01"}),
        content_type="application/json",
    )
    assert moved.status_code == 403


def test_timeline_json_has_objective_lanes_with_the_unlinked_lane_last(world, plan, client):
    client.force_login(world.editor)
    data = client.get("/roadmap/timeline.json").json()
    assert set(data) == {"lanes", "items", "dependencies", "periods", "capacity", "today"}
    lanes = data["lanes"]
    assert [lane["label"] for lane in lanes] == [
        world.objective.title,
        world.it_objective.title,
        "Not linked to any OKR",
    ]
    assert lanes[-1]["unlinked"] is True and not any(lane["unlinked"] for lane in lanes[:-1])
    by_title = {item["title"]: item for item in data["items"]}
    # Parts inherit the initiative's link, so they sit in its lane.
    assert by_title["Checkout option"]["lane"] == by_title["Annual offer"]["lane"] == lanes[0]["id"]
    assert by_title["Dark mode"]["lane"] == "unlinked"
    assert by_title["Offer live"]["start"] == by_title["Offer live"]["end"] == "2027-01-15"
    assert data["dependencies"] == [
        {"id": plan.dep.pk, "from": plan.billing.pk, "to": plan.checkout.pk, "kind": "fs", "lag_days": 0}
    ]
    assert {p["name"] for p in data["periods"]} == {"FY 2027", "FY27 Q2"}
    # Checkout starts 20 Nov but billing ends 30 Nov: a dependency conflict, with its reason.
    (conflict,) = by_title["Checkout option"]["conflicts"]
    assert conflict["kind"] == "dependency" and conflict["other"] == plan.billing.pk
    assert "Billing engine" in conflict["message"]


def test_the_timeline_table_lists_items_by_lane_then_start_undated_last(world, plan):
    boss = world.actor(world.owner)
    someday = actions.create_work_item(boss, title="Someday", kind="task", team=world.growth.pk)
    early = actions.create_work_item(
        boss, title="Early spike", kind="task", team=world.growth.pk,
        start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 9),
    )  # fmt: skip
    rm = load_roadmap(world.actor(world.editor), today=dt.date(2026, 11, 25))
    # the objective's lane (its items by start), the IT objective's, then work linked to no OKR (undated last)
    assert [v.item.pk for v in timeline_rows(rm)] == [
        plan.offer.pk, plan.checkout.pk, plan.launch.pk,
        plan.billing.pk,
        early.pk, plan.dark.pk, someday.pk,
    ]  # fmt: skip
    html = Client()
    html.force_login(world.editor)
    body = html.get("/roadmap/").content.decode()
    shown = [
        body.index(f'href="/roadmap/items/{pk}/"') for pk in (plan.offer.pk, plan.billing.pk, someday.pk)
    ]
    assert shown == sorted(shown)


def _titles(data):
    return {item["title"] for item in data["items"]}


def test_the_timeline_shows_one_team_and_the_teams_below_it(world, plan, client):
    boss = world.actor(world.owner)
    actions.set_capacity(boss, team=world.growth.pk, period=world.quarter.pk, person_days=40)
    actions.set_capacity(boss, team=world.it.pk, period=world.quarter.pk, person_days=30)
    client.force_login(world.editor)
    growth = client.get(f"/roadmap/timeline.json?team={world.growth.pk}").json()
    assert _titles(growth) == {"Annual offer", "Checkout option", "Offer live", "Dark mode"}
    # the IT objective's lane holds none of Growth's work; billing (IT) is not drawn, nor its arrow to checkout
    assert [lane["label"] for lane in growth["lanes"]] == [world.objective.title, "Not linked to any OKR"]
    assert growth["dependencies"] == []
    assert [line["team"] for line in growth["capacity"]] == [world.growth.pk]
    # the company's team holds both teams: everything
    whole = client.get(f"/roadmap/timeline.json?team={world.company.pk}").json()
    assert whole == client.get("/roadmap/timeline.json").json()
    assert len(whole["capacity"]) == 2 and len(whole["dependencies"]) == 1

    html = client.get(f"/roadmap/?lanes=team&team={world.growth.pk}").content.decode()
    table = html.split('id="items-heading"', 1)[1]
    assert f'href="/roadmap/items/{plan.dark.pk}/"' in table
    assert f'href="/roadmap/items/{plan.billing.pk}/"' not in table
    assert f'<option value="{world.growth.pk}" selected>' in html
    assert f'data-timeline-url="/roadmap/timeline.json?lanes=team&amp;team={world.growth.pk}"' in html
    assert f'href="?lanes=objective&amp;team={world.growth.pk}"' in html  # the lane switch keeps the team
    assert "The work of Growth and the teams below it." in html
    # the conflict is checkout's (Growth): listed; an IT-only view lists none
    assert f'href="/roadmap/items/{plan.checkout.pk}/"' in html.split('id="conflicts"', 1)[1]
    it = client.get(f"/roadmap/?team={world.it.pk}").content.decode()
    assert f'href="/roadmap/items/{plan.checkout.pk}/"' not in it.split('id="conflicts"', 1)[1]


def test_the_timeline_of_a_team_the_viewer_cannot_see_is_not_found(world, plan, client):
    bolt = world.other_objective.team_id
    client.force_login(world.editor)
    assert client.get(f"/roadmap/?team={bolt}").status_code == 404
    assert client.get(f"/roadmap/timeline.json?team={bolt}").status_code == 404
    assert client.get("/roadmap/timeline.json?team=nonsense").status_code == 404
    answer = client.get(f"/api/v1/timeline?team={bolt}")
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()["errors"]] == ["team"]
    assert "Bolt" not in answer.content.decode()
    growth = client.get(f"/api/v1/timeline?team={world.growth.pk}").json()
    assert _titles(growth) == {"Annual offer", "Checkout option", "Offer live", "Dark mode"}


def test_the_timeline_draws_its_first_items_in_table_order_and_says_how_many_it_leaves_out(
    world, plan, client, monkeypatch
):
    from northstar.roadmap import views

    monkeypatch.setattr(views, "TIMELINE_ITEMS", 2)
    client.force_login(world.editor)
    rm = load_roadmap(world.actor(world.editor), today=dt.date(2026, 11, 25))
    first = [v.item.pk for v in timeline_rows(rm)[:2]]
    data = client.get("/roadmap/timeline.json").json()
    assert [item["id"] for item in data["items"]] == first
    assert {lane["id"] for lane in data["lanes"]} == {item["lane"] for item in data["items"]}
    html = client.get("/roadmap/").content.decode()
    assert "The timeline draws the first 2 of 5 items" in html
    table = html.split('id="items-heading"', 1)[1]
    assert all(f'href="/roadmap/items/{v.item.pk}/"' in table for v in rm.items)  # the table lists them all
    # the API answers everything, as it says
    assert len(client.get("/api/v1/timeline").json()["items"]) == 5
    assert "The timeline draws" not in client.get(f"/roadmap/?team={world.it.pk}").content.decode()


@pytest.mark.parametrize("mode", ["team", "key_result", "owner", "none"])
def test_lane_switcher_regroups(world, plan, client, mode):
    client.force_login(world.editor)
    data = client.get(f"/roadmap/timeline.json?lanes={mode}").json()
    assert {item["lane"] for item in data["items"]} <= {lane["id"] for lane in data["lanes"]}
    html = client.get(f"/roadmap/?lanes={mode}").content.decode()
    assert f'data-timeline-url="/roadmap/timeline.json?lanes={mode}"' in html


def test_timeline_page_lists_conflicts_and_every_item(world, plan, client):
    client.force_login(world.editor)
    html = client.get("/roadmap/").content.decode()
    assert 'id="roadmap-data"' in html and 'type="application/json"' in html
    assert "<script>" not in html.split("<body", 1)[1]  # no inline scripts: the CSP forbids them
    assert "style=" not in html
    assert f'href="/roadmap/items/{plan.checkout.pk}/"' in html.split('id="conflicts"', 1)[1]
    for title in ("Annual offer", "Checkout option", "Offer live", "Billing engine", "Dark mode"):
        assert title in html
    fragment = client.get("/roadmap/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="roadmap-details")
    assert fragment.content.decode().lstrip().startswith('<div id="roadmap-details"')


def _add_items(world, n, first=0):
    boss = world.actor(world.owner)
    for i in range(first, first + n):
        parent = actions.create_work_item(
            boss, title=f"Item {i}", kind="initiative", team=world.growth.pk,
            start=dt.date(2026, 10, 1), end=dt.date(2026, 12, 1), estimate_days=5,
        )  # fmt: skip
        actions.set_contribution(boss, parent.pk, key_result=world.key_result.pk)
        child = actions.create_work_item(
            boss, title=f"Part {i}", parent=parent.pk, start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 20)
        )
        actions.add_dependency(boss, predecessor=child.pk, successor=parent.pk, kind="ff")


@pytest.mark.parametrize(
    "url",
    ["/roadmap/timeline.json", "/roadmap/", "/roadmap/?team={growth}", "/roadmap/board/", "/roadmap/list/"],
)
def test_query_count_does_not_grow_with_items(world, client, url):
    url = url.format(growth=world.growth.pk)
    client.force_login(world.editor)
    _add_items(world, 3)
    client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _add_items(world, 12, first=3)  # 5 × as many
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200 and "Item 14" in response.content.decode()
    assert len(many) == len(few)


def test_board_puts_items_now_next_later_and_hides_done(world, plan, client, monkeypatch):
    monkeypatch.setattr("northstar.roadmap.views.today", lambda: dt.date(2026, 11, 5))
    boss = world.actor(world.owner)
    actions.update_work_item(boss, plan.dark.pk, status="done")
    client.force_login(world.editor)
    html = client.get("/roadmap/board/").content.decode()
    now, rest = html.split('id="column-next"', 1)
    upcoming, later = rest.split('id="column-later"', 1)
    assert "Billing engine" in now and "Annual offer" in now
    assert "Checkout option" in upcoming  # starts 20 Nov, within six weeks
    assert "Offer live" in later
    assert "Dark mode" not in html
    assert "Dark mode" in client.get("/roadmap/board/?done=1").content.decode()


def test_list_filters_and_sorts(world, plan, client):
    client.force_login(world.editor)
    only_unlinked = client.get("/roadmap/list/?unlinked=1").content.decode()
    assert "Dark mode" in only_unlinked and "Annual offer" not in only_unlinked
    only_conflicts = client.get("/roadmap/list/?conflicts=1").content.decode()
    assert "Checkout option" in only_conflicts and "Dark mode" not in only_conflicts
    by_kr = client.get(f"/roadmap/list/?key_result={plan.uptime_kr.pk}").content.decode()
    assert "Billing engine" in by_kr and "Annual offer" not in by_kr
    by_team = client.get(f"/roadmap/list/?team={world.it.pk}").content.decode()
    assert "Billing engine" in by_team and "Dark mode" not in by_team
    # a team's work and that of the teams below it, as its timeline shows: the company's team holds every item
    every = client.get("/roadmap/list/").content.decode()
    listed = set(re.findall(r'href="/roadmap/items/(\d+)/"', every))
    assert set(re.findall(r'href="/roadmap/items/(\d+)/"', by_team)) < listed
    company = client.get(f"/roadmap/list/?team={world.company.pk}").content.decode()
    assert set(re.findall(r'href="/roadmap/items/(\d+)/"', company)) == listed
    by_objective = client.get(f"/roadmap/list/?objective={world.objective.pk}").content.decode()
    assert "Checkout option" in by_objective
    assert f'href="/roadmap/items/{plan.billing.pk}/"' not in by_objective
    titles = client.get("/roadmap/list/?sort=-title").content.decode()
    assert titles.index("Offer live") < titles.index("Dark mode") < titles.index("Annual offer")
    fragment = client.get("/roadmap/list/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="roadmap-list")
    assert fragment.content.decode().lstrip().startswith('<section id="roadmap-list"')
    # Output beside outcome: the initiative's effort and the KR it serves.
    assert "4 of 10 person-days" in client.get("/roadmap/list/").content.decode()


def test_item_page_shows_links_dependencies_and_history(world, plan, client):
    client.force_login(world.editor)
    html = client.get(f"/roadmap/items/{plan.checkout.pk}/").content.decode()
    assert world.key_result.title in html and "Inherited from the item it is part of." in html
    assert "Billing engine" in html.split('id="dependencies"', 1)[1]
    assert "days too early for its dependency" in html
    assert 'id="history-heading"' in html and "created this" in html


def test_create_item_with_the_form(world, client):
    client.force_login(world.editor)
    data = {
        "title": "Referral programme", "kind": "initiative", "team": world.growth.pk, "status": "planned",
        "start": "2026-12-01", "end": "2026-12-31", "estimate_days": "12",
    }  # fmt: skip
    response = client.post("/roadmap/items/new/", data)
    item = WorkItem.objects.get(title="Referral programme")
    assert response.status_code == 302 and response["Location"] == f"/roadmap/items/{item.pk}/"
    assert (item.start, item.end, item.estimate_days) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31), 12)


def test_item_form_errors_come_from_the_action(world, client):
    client.force_login(world.editor)
    data = {"title": "Backwards", "kind": "task", "team": world.growth.pk, "status": "planned",
            "start": "2026-12-10", "end": "2026-12-01"}  # fmt: skip
    response = client.post("/roadmap/items/new/", data)
    assert response.status_code == 422
    assert "The end must be on or after the start." in response.content.decode()
    assert not WorkItem.objects.filter(title="Backwards").exists()


def test_inline_validation_answers_only_the_errors_without_saving(world, client):
    client.force_login(world.editor)
    data = {"title": "Backwards", "kind": "task", "team": world.growth.pk, "status": "planned",
            "start": "2026-12-10", "end": "2026-12-01", "_validate": "1"}  # fmt: skip
    response = client.post("/roadmap/items/new/", data, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and 'id="id_end_error" hx-swap-oob="true"' in body
    assert "The end must be on or after the start." in body and "<form" not in body
    assert not WorkItem.objects.filter(title="Backwards").exists()


def test_edit_item_with_a_stale_version_answers_409(world, plan, client):
    client.force_login(world.editor)
    stale = plan.checkout.version
    actions.update_work_item(world.actor(world.owner), plan.checkout.pk, title="Changed meanwhile")
    data = {"title": "Mine", "kind": "task", "team": world.growth.pk, "parent": plan.offer.pk,
            "status": "planned", "start": "2026-12-01", "end": "2026-12-20", "version": stale}  # fmt: skip
    response = client.post(f"/roadmap/items/{plan.checkout.pk}/edit/", data)
    assert response.status_code == 409
    assert WorkItem.objects.get(pk=plan.checkout.pk).title == "Changed meanwhile"
    data["version"] = stale + 1
    assert client.post(f"/roadmap/items/{plan.checkout.pk}/edit/", data).status_code == 302
    assert WorkItem.objects.get(pk=plan.checkout.pk).title == "Mine"


def test_add_and_remove_a_dependency_with_the_form(world, plan, client):
    client.force_login(world.editor)
    url = f"/roadmap/items/{plan.launch.pk}/dependencies/new/"
    response = client.post(url, {"predecessor": plan.checkout.pk, "kind": "fs", "lag_days": "2"})
    assert response.status_code == 302 and response["Location"].endswith("#dependencies")
    dep = Dependency.objects.get(predecessor=plan.checkout, successor=plan.launch)
    assert dep.lag_days == 2
    response = client.post(f"/roadmap/dependencies/{dep.pk}/delete/", {"item": plan.launch.pk})
    assert response.status_code == 302 and not Dependency.objects.filter(pk=dep.pk).exists()


def _options(html, select_id):
    select = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [int(v) for v in re.findall(r'<option value="(\d+)"', select)]


def test_the_pick_fields_hold_a_few_choices_and_accept_any_row_the_viewer_sees(
    world, plan, client, monkeypatch
):
    from northstar.roadmap import pickers

    monkeypatch.setattr(pickers, "PICK_SHOWN", 2)
    client.force_login(world.editor)
    page = client.get(f"/roadmap/items/{plan.launch.pk}/").content.decode()
    by_title = sorted(
        (w.title, w.pk) for w in WorkItem.objects.filter(workspace=world.workspace).exclude(pk=plan.launch.pk)
    )
    assert _options(page, "dep_predecessor") == [pk for _t, pk in by_title[:2]]  # the first two by title
    assert len(_options(page, "link_key_result")) == 2
    assert 'hx-get="/roadmap/pick/work-items/?exclude=' in page and 'aria-controls="dep_predecessor"' in page
    last_title, last = by_title[-1]  # not among the choices shown: still accepted
    response = client.post(
        f"/roadmap/items/{plan.launch.pk}/dependencies/new/",
        {"predecessor": last, "kind": "fs", "lag_days": "0"},
    )
    assert response.status_code == 302
    assert Dependency.objects.filter(predecessor_id=last, successor=plan.launch).exists()
    from northstar.workspaces.permissions import actor_for

    bolt = Team.objects.filter(workspace=world.other_workspace).first()
    elsewhere = actions.create_work_item(
        actor_for(world.outsider, world.other_workspace), title="B's item", team=bolt.pk
    )
    refused = client.post(
        f"/roadmap/items/{plan.launch.pk}/dependencies/new/",
        {"predecessor": elsewhere.pk, "kind": "fs", "lag_days": "0"},
    )
    assert refused.status_code == 422 and "Select a valid choice" in refused.content.decode()
    assert not Dependency.objects.filter(predecessor=elsewhere).exists()
    # a choice the form is sent back with stays chosen, shown or not
    _title, other = by_title[-2]
    again = client.post(
        f"/roadmap/items/{plan.launch.pk}/dependencies/new/",
        {"predecessor": other, "kind": "fs", "lag_days": "x"},
    ).content.decode()
    assert other in _options(again, "dep_predecessor") and f'<option value="{other}" selected>' in again
    assert last not in _options(again, "dep_predecessor")  # already a predecessor


def test_the_list_filters_hold_a_few_choices_and_keep_the_one_chosen(world, plan, client, monkeypatch):
    from northstar.roadmap import pickers

    monkeypatch.setattr(pickers, "PICK_SHOWN", 1)
    client.force_login(world.editor)
    page = client.get("/roadmap/list/").content.decode()
    assert len(_options(page, "filter-kr")) == 1 and len(_options(page, "filter-objective")) == 1
    assert re.search(r'<option value=""[^>]*>Any key result</option>', page)
    assert re.search(r'<option value=""[^>]*>Any objective</option>', page)
    krs = sorted(KeyResult.objects.filter(workspace=world.workspace).values_list("objective__title", "id"))
    last = krs[-1][1]
    chosen = client.get(f"/roadmap/list/?key_result={last}").content.decode()
    assert last in _options(chosen, "filter-kr") and f'<option value="{last}" selected>' in chosen
    found = client.get("/roadmap/pick/objectives/", {"q": world.it_objective.title[:6]}).content.decode()
    assert world.it_objective.title in found and found.startswith('<option value="">Any objective</option>')
    client.force_login(world.outsider)
    assert world.it_objective.title not in client.get("/roadmap/pick/objectives/").content.decode()


def test_the_search_finds_choices_by_title_and_only_the_viewers(world, plan, client):
    client.force_login(world.editor)
    found = client.get(
        "/roadmap/pick/work-items/", {"q": "OFFER", "exclude": str(plan.offer.pk)}
    ).content.decode()
    assert "Offer live" in found and "Annual offer" not in found and "Billing engine" not in found
    assert found.startswith('<option value="">—</option>')
    parents = client.get("/roadmap/pick/work-items/", {"q": "offer", "parents": "1"}).content.decode()
    assert "Annual offer" in parents and "Offer live" not in parents  # a milestone holds no parts
    assert "Nothing (top level)" in parents
    by_objective = client.get("/roadmap/pick/key-results/", {"q": world.objective.title[:8]}).content.decode()
    assert f'<optgroup label="{world.objective.title}">' in by_objective
    assert f'<option value="{world.key_result.pk}">' in by_objective
    client.force_login(world.outsider)
    assert "Offer live" not in client.get("/roadmap/pick/work-items/", {"q": "offer"}).content.decode()
    assert world.key_result.title not in client.get("/roadmap/pick/key-results/").content.decode()


def test_a_dependency_that_makes_a_loop_is_refused_with_the_loop_spelled_out(world, plan, client):
    client.force_login(world.admin)
    # billing → checkout exists; checkout → billing would close the loop.
    response = client.post(
        f"/roadmap/items/{plan.billing.pk}/dependencies/new/",
        {"predecessor": plan.checkout.pk, "kind": "fs", "lag_days": "0"},
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert "This dependency would make a loop" in body and "Checkout option → Billing engine" in body
    assert not Dependency.objects.filter(predecessor=plan.checkout, successor=plan.billing).exists()


def test_link_a_key_result_with_a_weight_and_remove_it(world, plan, client):
    client.force_login(world.editor)
    response = client.post(
        f"/roadmap/items/{plan.dark.pk}/serves/new/", {"key_result": world.key_result.pk, "weight": "0.4"}
    )
    assert response.status_code == 302
    link = Contribution.objects.get(work_item=plan.dark)
    assert (link.key_result_id, link.weight) == (world.key_result.pk, 0.4)
    assert "Dark mode" not in client.get("/roadmap/list/?unlinked=1").content.decode()
    assert client.post(f"/roadmap/serves/{link.pk}/delete/").status_code == 302
    assert not Contribution.objects.filter(pk=link.pk).exists()


def test_move_saves_with_the_version_and_rejects_a_stale_one(world, plan, client):
    client.force_login(world.editor)
    url = f"/api/v1/work-items/{plan.checkout.pk}"  # what the timeline's drag calls
    body = {"version": plan.checkout.version, "start": "2026-12-01", "end": "2026-12-29"}
    response = client.patch(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 200
    saved = response.json()
    assert saved["version"] == plan.checkout.version + 1 and saved["start"] == "2026-12-01"
    again = client.patch(url, json.dumps(body), content_type="application/json")
    assert again.status_code == 409 and again.json()["current_version"] == saved["version"]
    backwards = {"version": saved["version"], "start": "2026-12-10", "end": "2026-12-01"}
    invalid = client.patch(url, json.dumps(backwards), content_type="application/json")
    assert invalid.status_code == 422 and invalid.json()["errors"][0]["field"] == "end"
    # The dependency conflict is gone now that checkout starts after billing ends.
    data = client.get("/roadmap/timeline.json").json()
    assert next(i for i in data["items"] if i["id"] == plan.checkout.pk)["conflicts"] == []


def test_push_successors_moves_them_in_one_go(world, plan, client):
    client.force_login(world.admin)
    boss = world.actor(world.owner)
    actions.add_dependency(boss, predecessor=plan.checkout.pk, successor=plan.launch.pk, lag_days=30)
    html = client.get(f"/roadmap/items/{plan.billing.pk}/").content.decode()
    assert "Push successors" in html
    response = client.post(f"/roadmap/items/{plan.billing.pk}/push-successors/")
    assert response.status_code == 302
    checkout = WorkItem.objects.get(pk=plan.checkout.pk)
    launch = WorkItem.objects.get(pk=plan.launch.pk)
    # Billing ends 30 Nov: checkout (28 days long) starts 1 Dec; the launch follows 30 days after it ends.
    assert (checkout.start, checkout.end) == (dt.date(2026, 12, 1), dt.date(2026, 12, 29))
    assert launch.start == launch.end == dt.date(2027, 1, 29)
    assert "Push successors" not in client.get(f"/roadmap/items/{plan.billing.pk}/").content.decode()


def test_item_page_shows_the_chain_that_holds_its_date(world, plan, client):
    boss = world.actor(world.owner)
    actions.add_dependency(boss, predecessor=plan.checkout.pk, successor=plan.launch.pk)
    client.force_login(world.viewer)
    html = client.get(f"/roadmap/items/{plan.launch.pk}/").content.decode()
    chain = html[html.index('class="chain') :]
    chain = chain[: chain.index("</ol>")]
    # Billing engine → Checkout option → Offer live, in that order.
    positions = [chain.index(title) for title in ("Billing engine", "Checkout option", "Offer live")]
    assert positions == sorted(positions)


def test_a_baseline_shows_how_far_each_item_slipped(world, plan, client):
    client.force_login(world.editor)
    response = client.post("/roadmap/baselines/new/", {"name": "Plan at quarter start"})
    baseline_url = response["Location"]
    assert response.status_code == 302 and "baseline=" in baseline_url
    actions.update_work_item(world.actor(world.owner), plan.checkout.pk, end=dt.date(2026, 12, 28))
    html = client.get(baseline_url).content.decode()
    assert "Planned end in “Plan at quarter start”" in html
    row = html[html.index("Checkout option") :]
    row = row[: row.index("</tr>")]
    assert "10 days" in row  # 18 → 28 December
    other = html[html.index("Billing engine") :]
    assert "on plan" in other[: other.index("</tr>")]


def test_viewers_cannot_save_baselines(world, plan, client):
    client.force_login(world.viewer)
    assert client.post("/roadmap/baselines/new/", {"name": "Mine"}).status_code == 403
    assert "Save a baseline" not in client.get("/roadmap/list/").content.decode()


def test_searches_by_title_fold_the_case_of_every_letter_not_only_ascii(world, plan, client):
    """SQLite's LIKE folds only A–Z; the searches fold "Ö" and "ö", "Å" and "å" on both databases."""
    editor = world.actor(world.editor)
    item = actions.create_work_item(editor, title="Öppna API för ÅÄÖ-partner", team=world.growth.pk)
    lower = actions.create_work_item(editor, title="öppen källkod", team=world.growth.pk)
    client.force_login(world.editor)
    for query, found in (("öppna api", {item}), ("ÖPP", {item, lower}), ("åäö-p", {item}), ("ÅÄÖ", {item})):
        html = client.get("/roadmap/pick/work-items/", {"q": query}).content.decode()
        assert {int(pk) for pk in re.findall(r'<option value="(\d+)"', html)} == {w.pk for w in found}, query
    assert set(WorkItem.objects.filter(title__iexact="ÖPPEN KÄLLKOD")) == {lower}
    assert set(WorkItem.objects.filter(title__istartswith="ÖPPNA")) == {item}
    assert set(WorkItem.objects.filter(title__iendswith="ÅäÖ-PARTNER")) == {item}
    assert not WorkItem.objects.filter(title__icontains="oppna").exists()  # "ö" is its own letter
    assert not WorkItem.objects.filter(title__icontains="ö_pna").exists()  # "_" and "%" are still literal


def test_team_and_person_fields_hold_them_all_while_they_fit_and_search_past_that(
    world, plan, client, monkeypatch
):
    """2,000 teams and 2,000 people at enterprise scale: past PICK_SHOWN, a select holds the first of them (the
    teams in tree order) and a search by name finds the rest; below it, every one and no search box."""
    from northstar.okrs.queries import team_order, workspace_people
    from northstar.roadmap import pickers
    from northstar.workspaces.permissions import actor_for

    actor = actor_for(world.editor, world.workspace)
    teams = [t.pk for t, _depth in team_order(actor).placed]
    people = [u.pk for u in workspace_people(actor)]
    client.force_login(world.editor)
    few = client.get("/roadmap/items/new/").content.decode()
    assert _options(few, "id_team") == teams and _options(few, "id_owner") == people
    assert 'aria-controls="id_team"' not in few and 'aria-controls="id_owner"' not in few

    monkeypatch.setattr(pickers, "PICK_SHOWN", 1)
    many = client.get("/roadmap/items/new/").content.decode()
    # the first of them, and the one the form holds: its author, and their own team
    assert set(_options(many, "id_owner")) == {people[0], world.editor.pk}
    assert set(_options(many, "id_team")) == {teams[0], world.growth.pk}
    assert 'hx-get="/roadmap/pick/people/?none=nobody"' in many
    assert 'hx-get="/roadmap/pick/teams/"' in many and "Type to find by name…" in many
    last = team_order(actor).placed[-1][
        0
    ]  # not shown, still accepted (from an admin, who plans for any team)
    client.force_login(world.admin)
    created = client.post("/roadmap/items/new/", {"title": "Picked", "kind": "task", "team": last.pk,
                                                  "owner": people[-1], "status": "planned"})  # fmt: skip
    assert created.status_code == 302
    assert WorkItem.objects.filter(title="Picked", team=last, owner_id=people[-1]).exists()
    bolt_team = Team.objects.filter(workspace=world.other_workspace).first()
    refused = client.post("/roadmap/items/new/", {"title": "Elsewhere", "kind": "task", "team": bolt_team.pk,
                                                  "owner": world.outsider.pk, "status": "planned"})  # fmt: skip
    assert refused.status_code == 422 and refused.content.decode().count("Select a valid choice") == 2
    assert not WorkItem.objects.filter(title="Elsewhere").exists()


def test_the_team_and_person_searches_find_by_name_and_only_the_viewers(world, client):
    client.force_login(world.editor)
    found = client.get(
        "/roadmap/pick/teams/", {"q": world.it.name.upper(), "none": "all-teams"}
    ).content.decode()
    assert found.startswith('<option value="">All teams</option>') and f'value="{world.it.pk}"' in found
    assert f'value="{world.growth.pk}"' not in found
    assert (
        client.get("/roadmap/pick/teams/", {"none": "<script>"})
        .content.decode()
        .startswith('<option value="')
    )
    by_email = client.get("/roadmap/pick/people/", {"q": world.viewer.email[:6]}).content.decode()
    assert f'value="{world.viewer.pk}"' in by_email and f'value="{world.owner.pk}"' not in by_email
    client.force_login(world.outsider)
    assert f'value="{world.it.pk}"' not in client.get("/roadmap/pick/teams/").content.decode()
    assert f'value="{world.viewer.pk}"' not in client.get("/roadmap/pick/people/").content.decode()
