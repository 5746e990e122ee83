import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from northstar.exchange.demo import load_demo
from northstar.insights.alignment import AlignmentMap, ObjectiveNode, WorkNode, alignment_map, matching, rows
from northstar.okrs import actions as okr_actions
from northstar.okrs.models import Period
from northstar.roadmap import actions as roadmap_actions
from northstar.testing import PERSONAS
from northstar.workspaces.models import Team, User, Workspace
from northstar.workspaces.permissions import actor_for

TODAY = dt.date(2026, 11, 25)
REVENUE = "Increase recurring revenues over the next year"
UPTIME = "Achieve maximum uptime over the next three months"
SUPPORT = "Ge våra kunder support i världsklass"
ANNUAL = "Convert at least 20% of existing monthly subscriptions to annual subscriptions"
RESOLVED = "Håll andelen ärenden lösta inom 24 timmar på minst 95 %"


@pytest.fixture
def finvest(db):
    load_demo(today=TODAY, shift=False)
    workspace = Workspace.objects.get(slug="finvest")
    return actor_for(User.objects.get(email="maria.lind@finvest.example"), workspace)


def finvest_map(actor, key="FY27-Q2") -> AlignmentMap:
    return alignment_map(actor, today=TODAY, period=Period.objects.get(workspace=actor.workspace, key=key))


def objective(tree: AlignmentMap, title: str) -> ObjectiveNode:
    return next(n for n in tree.walk() if n.objective.title == title)


def titles(work: list[WorkNode]) -> list[str]:
    return [w.item.title for w in work]


def test_the_company_objective_is_the_root_with_the_team_objectives_under_it(finvest):
    tree = finvest_map(finvest)
    assert [n.objective.title for n in tree.roots] == [REVENUE]
    assert [c.objective.title for c in tree.roots[0].children] == [UPTIME, SUPPORT]


def test_work_shows_under_the_key_result_it_serves_with_its_parts(finvest):
    revenue = objective(finvest_map(finvest), REVENUE)
    annual = next(k for k in revenue.key_results if k.view.kr.title == ANNUAL)
    assert titles(annual.work) == ["Annual plan offer at renewal", "Billing platform v2 (annual invoicing)"]
    offer = annual.work[0]
    assert offer.child_count == 3 and not offer.inherited
    # Its parts inherit the offer's links, so they serve the key result too, under the offer.
    assert titles(offer.children) == [
        "Design the renewal offer", "Annual option in checkout", "Offer live for all renewals",
    ]  # fmt: skip
    assert all(part.inherited for part in offer.children)
    assert offer.output.share == pytest.approx(8 / 28)  # 8 of 28 person-days of its tasks are done


def test_a_key_result_nobody_works_on_is_marked(finvest):
    support = objective(finvest_map(finvest), SUPPORT)
    flags = {k.view.kr.title: (k.unsupported, titles(k.work)) for k in support.key_results}
    assert flags[RESOLVED] == (True, [])
    assert flags["Höj kundnöjdheten (CSAT) från 78 % till 90 %"] == (False, ["Chattbot för vanliga frågor"])


def test_work_that_serves_no_okr_is_in_the_last_branch(finvest):
    tree = finvest_map(finvest)
    assert titles(tree.orphans) == ["Dark mode for the mobile app"]
    # Nobody works on the 24-hour key result, nor on uptime's two yes/no key results.
    assert (tree.orphan_count, tree.unsupported_count) == (1, 3)
    assert tree.objective_count == 3 and tree.key_result_count == 9


def test_an_objective_aligned_to_two_parents_shows_under_each(finvest):
    maria = finvest
    second = okr_actions.create_objective(
        maria, title="Be the most trusted finance app", team=Team.objects.get(workspace=maria.workspace, key="finvest").pk,
        period=Period.objects.get(workspace=maria.workspace, key="FY27").pk, key="trust",
    )  # fmt: skip
    uptime = objective(finvest_map(maria), UPTIME)
    revenue = uptime.view.parents[0]
    okr_actions.update_objective(maria, uptime.objective.pk, parents=[revenue.pk, second.pk])

    tree = finvest_map(maria)
    appearances = [n for n in tree.walk() if n.objective.title == UPTIME]
    assert len(appearances) == 2 and appearances[0].uid != appearances[1].uid
    assert [p.title for p in appearances[0].also_under] == ["Be the most trusted finance app"]
    assert [p.title for p in appearances[1].also_under] == [REVENUE]
    assert [n.objective.title for n in tree.roots] == [REVENUE, "Be the most trusted finance app"]


def test_work_linked_to_a_whole_objective_shows_under_it(finvest):
    from northstar.roadmap.models import WorkItem

    dark = WorkItem.objects.get(key="dark-mode")
    uptime = objective(finvest_map(finvest), UPTIME).objective
    roadmap_actions.set_contribution(finvest, dark.pk, objective=uptime.pk)
    tree = finvest_map(finvest)
    assert titles(objective(tree, UPTIME).work) == ["Dark mode for the mobile app"]
    assert tree.orphans == []


def test_the_alignment_page_shows_the_finvest_map(finvest, client, settings):
    client.force_login(finvest.user)
    period = Period.objects.get(workspace=finvest.workspace, key="FY27-Q2")
    html = client.get(f"/alignment/?period={period.pk}").content.decode()
    for text in (REVENUE, UPTIME, SUPPORT, "Annual plan offer at renewal", "No work planned",
                 "Not linked to any OKR", "Dark mode for the mobile app", 'id="filter-q"'):  # fmt: skip
        assert text in html
    assert 'style="' not in html and "<script>" not in html  # the CSP allows neither


def test_htmx_gets_the_tree_alone(finvest, client):
    client.force_login(finvest.user)
    response = client.get("/alignment/", headers={"HX-Request": "true", "HX-Target": "alignment-tree"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="alignment-tree"') and "<html" not in html


@pytest.mark.parametrize("persona", PERSONAS)
def test_alignment_page_for_each_persona(world, client, persona):
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)
    response = client.get(f"/alignment/?period={world.quarter.pk}")
    if user is None:
        assert response.status_code == 302
        return
    assert response.status_code == 200
    html = response.content.decode()
    if persona == "outsider":  # signed in to workspace B: nothing of A, even with A's period in the URL
        assert (
            "Grow recurring revenue" not in html and "Growth" not in html and world.quarter.name not in html
        )
        return
    assert "Grow recurring revenue" in html and "Keep the app up" in html
    if persona == "other_team":  # IT's editor does not see Growth's private objective
        assert "Secret pricing experiment" not in html and "Cut churn" not in html
    if persona == "viewer":  # Growth's viewer does
        assert "Secret pricing experiment" in html


def test_the_team_objective_is_under_the_company_one(world):
    tree = alignment_map(world.actor(world.viewer), today=TODAY, period=world.quarter)
    grow = next(n for n in tree.roots if n.objective.pk == world.objective.pk)
    assert [c.objective.pk for c in grow.children] == [world.it_objective.pk]


def test_query_count_does_not_grow_with_objectives_and_work(world, client):
    boss = world.actor(world.owner)
    client.force_login(world.owner)
    url = f"/alignment/?period={world.quarter.pk}"

    def add(n, start):
        for i in range(start, start + n):
            o = okr_actions.create_objective(
                boss, title=f"Objective {i}", team=world.it.pk, period=world.quarter.pk, key=f"o-{i}",
                parents=[world.objective.pk],
            )  # fmt: skip
            kr = okr_actions.create_key_result(
                boss, o.pk, title=f"KR {i}", kind="increase", start=0, target=10, key=f"kr-{i}"
            )
            parent = roadmap_actions.create_work_item(
                boss, title=f"Item {i}", kind="initiative", team=world.it.pk,
                start=dt.date(2026, 10, 1), end=dt.date(2026, 11, 1),
            )  # fmt: skip
            roadmap_actions.create_work_item(
                boss, title=f"Part {i}", kind="task", team=world.it.pk, parent=parent.pk,
                start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 10), estimate_days=3,
            )  # fmt: skip
            roadmap_actions.set_contribution(boss, parent.pk, key_result=kr.pk)
            roadmap_actions.create_work_item(
                boss, title=f"Loose {i}", kind="task", team=world.growth.pk,
                start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 10),
            )  # fmt: skip

    add(2, 0)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(8, 2)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    html = response.content.decode()
    assert "Objective 9" in html and "Part 9" in html and "Loose 9" in html
    assert len(many) == len(few), (len(few), len(many))


# --- long maps: a page of top-level trees at a time, and a search of the whole map ------------------------------

CHATBOT = "Chattbot för vanliga frågor"
DARK = "Dark mode for the mobile app"


def _top_level(html):
    return re.findall(
        r'<li class="align-node align-objective is-company" data-node data-search="([^"]*)"', html
    )


def test_the_map_shows_whole_top_level_trees_a_page_at_a_time(finvest, client, monkeypatch):
    from northstar.insights import views_alignment

    quarter = Period.objects.get(workspace=finvest.workspace, key="FY27-Q2")
    company = Team.objects.get(workspace=finvest.workspace, parent=None)
    for title in ("Open the Norwegian market", "Halve the cost of serving a customer"):
        made = okr_actions.create_objective(finvest, title=title, team=company.pk, period=quarter.pk)
        okr_actions.create_key_result(finvest, made.pk, title=f"{title}: the number", start=0, target=10)
    whole = finvest_map(finvest)
    assert len(whole.roots) == 3 and all(not n.view.parents for n in whole.roots)
    client.force_login(finvest.user)
    assert _top_level(client.get(f"/alignment/?period={quarter.pk}").content.decode()) == [
        html.unescape(n.objective.title) for n in whole.roots
    ]  # the demo fits on one page
    monkeypatch.setattr(views_alignment, "MAP_ROWS", 1)  # every top-level tree is larger: one a page
    shown = []
    for number in range(1, len(whole.roots) + 1):
        page = client.get(f"/alignment/?period={quarter.pk}&page={number}").content.decode()
        shown.append(_top_level(page))
        assert f"Page {number} of {len(whole.roots)}" in page
        assert f"Top-level objectives {number}–{number} of {len(whole.roots)}" in page
        assert 'name="q"' in page  # many pages: Enter searches the whole map
    assert shown == [[n.objective.title] for n in whole.roots]
    assert rows(whole.roots[0]) > 1


def test_rows_count_every_line_the_map_draws(finvest, client):
    whole = finvest_map(finvest)
    quarter = Period.objects.get(workspace=finvest.workspace, key="FY27-Q2")
    client.force_login(finvest.user)
    tree = client.get(f"/alignment/?period={quarter.pk}").content.decode().split('id="alignment-tree"')[1]
    drawn = tree.count('<li class="align-node')
    unlinked = 1 + sum(rows(w) for w in whole.orphans)  # the last branch's heading and its work
    assert drawn == sum(rows(n) for n in whole.roots) + unlinked
    assert rows(objective(whole, REVENUE)) > len(objective(whole, REVENUE).key_results)


def test_a_search_cuts_the_whole_map_down_to_the_matches_and_their_branches(finvest, client):
    whole = finvest_map(finvest)
    found = matching(whole, "varldsklass")  # without the accent
    support = objective(found, SUPPORT)
    assert support == objective(whole, SUPPORT)  # a match keeps everything under it
    assert [n.objective.title for n in found.roots] == [REVENUE]  # the branch that leads there
    assert UPTIME not in [n.objective.title for n in found.walk()] and found.orphans == []
    assert (found.objective_count, found.orphan_count) == (whole.objective_count, whole.orphan_count)
    chatbot = matching(whole, "CHATTBOT")
    served = [w for n in chatbot.walk() for k in n.key_results for w in k.work]
    assert titles(served) == [CHATBOT, CHATBOT]  # under both key results it serves
    assert matching(whole, DARK).orphans and not matching(whole, DARK).roots

    quarter = Period.objects.get(workspace=finvest.workspace, key="FY27-Q2")
    client.force_login(finvest.user)
    page = client.get(f"/alignment/?period={quarter.pk}&q=chattbot").content.decode()
    assert CHATBOT in page and SUPPORT in page and UPTIME not in page and DARK not in page
    assert "What matches “chattbot” in the whole map" in page and 'value="chattbot"' in page
    nothing = client.get(f"/alignment/?period={quarter.pk}&q=no+such+thing").content.decode()
    assert (
        "Nothing in this period’s map matches" in nothing or "Nothing in this period's map matches" in nothing
    )
    assert REVENUE not in nothing.split('id="alignment-tree"')[1]


def test_the_unlinked_branch_shows_the_first_and_says_how_many_more(finvest, client, monkeypatch):
    from northstar.insights import views_alignment

    assert titles(finvest_map(finvest).orphans) == [DARK]
    monkeypatch.setattr(views_alignment, "UNLINKED_SHOWN", 0)
    client.force_login(finvest.user)
    quarter = Period.objects.get(workspace=finvest.workspace, key="FY27-Q2")
    tree = client.get(f"/alignment/?period={quarter.pk}").content.decode().split('id="alignment-tree"')[1]
    assert DARK not in tree and "1 more work item not linked: see it in the coverage report" in tree
