import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from northstar.exchange.demo import load_demo
from northstar.insights.alignment import AlignmentMap, ObjectiveNode, WorkNode, alignment_map
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
