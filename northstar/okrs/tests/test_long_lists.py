"""Long lists at any size: the OKR page and the dashboard show a page at a time, and an objective rolls up the
same on every page and in every list."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from northstar.okrs import actions, queries
from northstar.okrs import views as okr_views
from northstar.okrs.models import KeyResult, Objective
from northstar.testing import call_api

pytestmark = pytest.mark.django_db


def _objectives(world, n, *, team=None, prefix="Listed"):
    owner = world.actor(world.owner)
    return [
        actions.create_objective(owner, title=f"{prefix} {i:03}", team=(team or world.growth).pk,
                                 period=world.quarter.pk)
        for i in range(n)
    ]  # fmt: skip


def _shown(html):
    return re.findall(r'<article class="card objective" id="objective-(\d+)"', html)


def test_the_okr_page_shows_one_page_of_objectives_in_tree_order(world, client, monkeypatch):
    monkeypatch.setattr(queries, "OKR_PAGE_SIZE", 4)
    made = _objectives(world, 7, team=world.it) + _objectives(world, 2, prefix="Growth")
    client.force_login(world.owner)
    everything = queries.okr_tree(world.actor(world.owner), today=world.quarter.start, period=world.quarter)
    in_order = [str(v.objective.pk) for v in everything.all_objectives()]
    assert len(in_order) == 12  # the two periods' three objectives of make_world and the nine made here
    pages = [
        _shown(client.get(f"/okrs/?period={world.quarter.pk}&page={n}").content.decode()) for n in (1, 2, 3)
    ]
    assert [len(p) for p in pages] == [4, 4, 4]
    assert sum(pages, []) == in_order  # growth's objectives come before IT's, as in the team tree
    html = client.get(f"/okrs/?period={world.quarter.pk}&page=2").content.decode()
    assert "Objectives 5–8 of 12" in html and "Page 2 of 3" in html
    assert f'href="?period={world.quarter.pk}&amp;page=1" rel="prev"' in html
    assert f'href="?period={world.quarter.pk}&amp;page=3" rel="next"' in html
    past_the_end = client.get(f"/okrs/?period={world.quarter.pk}&page=99").content.decode()
    assert _shown(past_the_end) == pages[2]
    assert in_order.index(str(made[-1].pk)) < in_order.index(str(made[0].pk))  # Growth, then IT


def test_a_page_of_the_okr_page_costs_the_same_queries_whatever_the_number_of_objectives(
    world, client, monkeypatch
):
    monkeypatch.setattr(queries, "OKR_PAGE_SIZE", 3)
    _objectives(world, 4)
    client.force_login(world.editor)
    client.get("/okrs/")
    with CaptureQueriesContext(connection) as few:
        client.get("/okrs/?page=2")
    _objectives(world, 30)
    with CaptureQueriesContext(connection) as many:
        html = client.get("/okrs/?page=2").content.decode()
    assert len(_shown(html)) == 3
    assert len(many) == len(few)


def test_the_status_filter_pages_what_it_found(world, client, monkeypatch):
    monkeypatch.setattr(queries, "OKR_PAGE_SIZE", 2)
    _objectives(world, 5)
    client.force_login(world.owner)
    html = client.get(f"/okrs/?period={world.quarter.pk}&status=no_data&page=3").content.decode()
    # eight objectives without check-ins in the quarter's family: pages of two, the third is objectives 5-6
    assert "Objectives 5–6 of 8" in html and len(_shown(html)) == 2
    assert "status=no_data&amp;page=2" in html


def test_an_objective_rolls_up_the_same_on_a_page_without_its_aligned_objectives(world, client):
    world.workspace.rollup_includes_aligned = True
    world.workspace.save()
    owner = world.actor(world.owner)
    it_kr = world.it_objective.key_results.get()
    actions.do_check_in(owner, it_kr.pk, value=99.7)  # half way from 99.5 to 99.9
    _objectives(world, 3)
    client.force_login(world.owner)
    whole = {
        v.objective.pk: v.rollup.progress
        for v in queries.objective_views(owner, list(Objective.objects.filter(workspace=world.workspace)), today=world.quarter.start)
    }  # fmt: skip
    assert whole[world.objective.pk] > 0  # only the aligned IT objective has moved
    alone = call_api(client, "get", "/objectives?limit=1").json()["items"]
    assert [o["id"] for o in alone] == [world.objective.pk]
    assert alone[0]["progress"] == pytest.approx(whole[world.objective.pk])
    detail = call_api(client, "get", f"/objectives/{world.objective.pk}").json()
    assert detail["progress"] == pytest.approx(whole[world.objective.pk])


def test_the_dashboard_shows_the_first_of_its_long_lists_and_says_how_many_more(world, client, monkeypatch):
    monkeypatch.setattr(okr_views, "DASHBOARD_LIST_SIZE", 2)
    monkeypatch.setattr(okr_views, "DASHBOARD_PAGE_SIZE", 3)
    owner = world.actor(world.owner)
    for o in _objectives(world, 4):
        actions.create_key_result(owner, o.pk, title=f"Raise {o.title} from 1 to 5", start=1, target=5)
    client.force_login(world.owner)
    html = client.get(f"/?period={world.quarter.pk}").content.decode()
    stale = html[html.index('id="stale-heading"') : html.index('id="objectives-heading"')]
    assert stale.count('href="/key-results/') == 2
    never_checked_in = KeyResult.objects.filter(
        workspace=world.workspace,
        objective__period__in=[world.quarter, world.period],
        last_check_in_at__isnull=True,
    ).count()
    assert f"and {never_checked_in - 2} more" in stale
    in_period = Objective.objects.filter(
        workspace=world.workspace, period__in=[world.quarter, world.period]
    ).count()
    assert in_period == 7  # three of make_world's and the four made here
    table = html[html.index('id="progress-table"') :]
    assert table.count('<th scope="row">') == 3 and "Page 1 of 3" in table
    last = client.get(f"/?period={world.quarter.pk}&page=3").content.decode()
    assert last[last.index('id="progress-table"') :].count('<th scope="row">') == 1


def _boxes(html):
    box = re.search(r'<div id="id_parents"[^>]*>(.*?)</div>\s*<input type="search"', html, re.S)
    return [int(v) for v in re.findall(r'name="parents" value="(\d+)"', box.group(1))]


def test_the_objective_form_shows_only_the_objectives_it_aligns_to_and_finds_the_others(world, client):
    made = _objectives(world, 5)
    owner = world.actor(world.owner)
    actions.update_objective(owner, made[0].pk, parents=[made[3].pk])
    client.force_login(world.owner)
    page = client.get(f"/okrs/{made[0].pk}/edit/").content.decode()
    assert _boxes(page) == [made[3].pk]  # not a box for every objective of the workspace
    assert re.search(rf'name="parents" value="{made[3].pk}"[^>]*checked', page)
    assert "Listed 001" not in page and 'hx-include="#id_parents"' in page
    assert (
        f'hx-get="/roadmap/pick/objectives/?exclude={made[0].pk}&amp;into=id_parents&amp;name=parents"'
        in page
    )
    assert _boxes(client.get("/okrs/new/").content.decode()) == []
    search = {"q": "listed 00", "into": "id_parents", "name": "parents", "exclude": made[0].pk}
    found = client.get("/roadmap/pick/objectives/", {**search, "parents": [made[3].pk]}).content.decode()
    added = [int(pk) for pk in re.findall(r'id="id_parents-add-(\d+)"', found)]
    assert added == [made[1].pk, made[2].pk, made[4].pk]  # by title; neither itself nor the one ticked
    assert "Add “Listed 001”" in found and 'hx-target="#id_parents" hx-swap="beforeend"' in found
    row = client.get("/roadmap/pick/objectives/", {**search, "add": made[2].pk}).content.decode()
    assert f'<input type="checkbox" name="parents" value="{made[2].pk}" checked> Listed 002' in row
    assert f'id="id_parents-add-{made[2].pk}" hx-swap-oob="delete"' in row
    assert client.get("/roadmap/pick/objectives/", {**search, "add": made[0].pk}).status_code == 404
    assert client.get("/roadmap/pick/objectives/", {**search, "into": 'x" onclick="y'}).status_code == 404
    assert "Nothing found" in client.get("/roadmap/pick/objectives/", {**search, "q": "zzz"}).content.decode()
    client.force_login(world.outsider)
    assert "Listed" not in client.get("/roadmap/pick/objectives/", search).content.decode()
    assert client.get("/roadmap/pick/objectives/", {**search, "add": made[2].pk}).status_code == 404


def test_an_objective_aligns_to_objectives_not_shown_and_never_to_another_workspaces(world, client):
    made = _objectives(world, 3)
    client.force_login(world.owner)
    form = {"title": "Listed 000", "team": world.growth.pk, "period": world.quarter.pk, "status": "active",
            "visibility": "workspace", "weight": "1", "version": made[0].version}  # fmt: skip
    saved = client.post(
        f"/okrs/{made[0].pk}/edit/", {**form, "parents": [made[2].pk, made[1].pk, made[2].pk]}
    )
    assert saved.status_code == 302
    assert sorted(Objective.objects.get(pk=made[0].pk).parents.values_list("pk", flat=True)) == sorted(
        [made[1].pk, made[2].pk]
    )
    elsewhere = Objective.objects.filter(workspace=world.other_workspace).first()
    version = Objective.objects.get(pk=made[0].pk).version
    refused = client.post(
        f"/okrs/{made[0].pk}/edit/", {**form, "version": version, "parents": [made[1].pk, elsewhere.pk]}
    )
    html = refused.content.decode()
    assert refused.status_code == 422 and "Select a valid choice" in html
    # what was sent back stays ticked, what the viewer cannot see does not
    assert _boxes(html) == [made[1].pk]
    itself = client.post(f"/okrs/{made[0].pk}/edit/", {**form, "version": version, "parents": [made[0].pk]})
    assert itself.status_code == 422
    assert sorted(Objective.objects.get(pk=made[0].pk).parents.values_list("pk", flat=True)) == sorted(
        [made[1].pk, made[2].pk]
    )
