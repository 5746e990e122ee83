"""OKR page layouts kept per plan revision and viewer: a page of an enterprise workspace reads only its own
objectives, and shows every change — and nothing the viewer may not see."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from northstar.okrs import actions, queries
from northstar.testing import nothing_kept
from northstar.workspaces import actions as ws_actions
from northstar.workspaces.permissions import Actor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keeping(settings):
    settings.NORTHSTAR_OKR_LAYOUTS_KEPT = 10_000
    queries.forget_forecasts()


def _page(world, user, **filters):
    actor = user if isinstance(user, Actor) else world.actor(user)
    return queries.okr_tree(actor, today=world.quarter.start, period=world.quarter, page=1, **filters)


def _seen(tree):
    return [(v.objective.pk, round(v.rollup.progress, 9), v.status.status) for v in tree.all_objectives()]


def _layout_reads(captured):
    """Reads of what a layout is made of: the teams, the page's place among all objectives, every alignment."""
    return [
        q["sql"] for q in captured.captured_queries
        if '"workspaces_team"."name"' in q["sql"] or '"team_id" AS "team_id"' in q["sql"]
        or ('FROM "okrs_alignment"' in q["sql"] and '"okrs_alignment"."parent_id" IN (' not in q["sql"])
    ]  # fmt: skip


def _fresh(world, user, settings, **filters):
    with nothing_kept("NORTHSTAR_OKR_LAYOUTS_KEPT"):
        return _page(world, user, **filters)


def test_a_page_again_reads_no_layout_and_equals_the_page_computed_afresh(world, monkeypatch, settings):
    monkeypatch.setattr(queries, "OKR_PAGE_SIZE", 2)
    for n in range(3):
        actions.create_objective(world.actor(world.owner), title=f"More {n}", team=world.it.pk,
                                 period=world.quarter.pk)  # fmt: skip
    world.workspace.rollup_includes_aligned = True  # every alignment is part of the layout
    world.workspace.save()
    owner = world.actor(world.owner)
    first = _page(world, owner)
    with CaptureQueriesContext(connection) as again:
        second = _page(world, owner)
    assert not _layout_reads(again)
    assert _seen(second) == _seen(first) == _seen(_fresh(world, world.owner, settings))
    assert (second.objective_count, second.key_result_count, second.pages) == (
        first.objective_count, first.key_result_count, first.pages)  # fmt: skip
    assert [t.pk for t, _depth in second.teams] == [t.pk for t, _depth in first.teams]


def test_a_check_in_leaves_the_layout_kept_and_shows_at_once(world, settings):
    owner = world.actor(world.owner)
    before = _page(world, owner)
    actions.do_check_in(owner, world.key_result.pk, value=10)
    with CaptureQueriesContext(connection) as after_check_in:
        after = _page(world, owner)
    assert not _layout_reads(after_check_in)
    assert _seen(after) != _seen(before)
    assert _seen(after) == _seen(_fresh(world, world.owner, settings))


def test_a_change_to_the_plan_shows_on_the_next_page(world, settings):
    before = _page(world, world.owner)
    made = actions.create_objective(world.actor(world.owner), title="New one", team=world.growth.pk,
                                    period=world.quarter.pk)  # fmt: skip
    actions.create_key_result(world.actor(world.owner), made.pk, title="A number", kind="increase",
                              start=0, target=5)  # fmt: skip
    after = _page(world, world.owner)
    assert after.objective_count == before.objective_count + 1
    assert after.key_result_count == before.key_result_count + 1
    assert made.pk in [pk for pk, _p, _s in _seen(after)]


def test_a_viewer_never_gets_a_layout_kept_for_someone_who_sees_more(world):
    owners = _page(world, world.owner)
    others = _page(world, world.other_team)  # an editor in IT: Growth's team-only objective is not theirs
    assert world.private_objective.pk in [pk for pk, _p, _s in _seen(owners)]
    assert world.private_objective.pk not in [pk for pk, _p, _s in _seen(others)]
    assert others.objective_count == owners.objective_count - 1
    assert others.key_result_count == owners.key_result_count - 1


def test_filters_have_layouts_of_their_own(world):
    everything = _page(world, world.owner)
    growth = _page(world, world.owner, team_id=world.growth.pk)
    searched = _page(world, world.owner, q="uptime")
    assert growth.objective_count < everything.objective_count
    assert [pk for pk, _p, _s in _seen(searched)] == [world.it_objective.pk]


@pytest.mark.parametrize("aligned", [False, True])
def test_an_alignment_with_an_objective_the_viewer_cannot_see_is_left_out(world, aligned):
    world.workspace.rollup_includes_aligned = aligned
    world.workspace.save()
    owner = world.actor(world.owner)
    actions.update_objective(
        owner, world.it_objective.pk, parents=[world.objective.pk, world.private_objective.pk]
    )

    def parents_of_it(user):
        views = {v.objective.pk: v for v in _page(world, user).all_objectives()}
        return {o.pk for o in views[world.it_objective.pk].parents}, views

    owners, owner_views = parents_of_it(world.owner)
    assert owners == {world.objective.pk, world.private_objective.pk}
    assert world.it_objective.pk in {o.pk for o in owner_views[world.private_objective.pk].children}
    others, other_views = parents_of_it(
        world.other_team
    )  # an IT editor: Growth's team-only objective is not theirs
    assert others == {world.objective.pk}
    assert world.private_objective.pk not in other_views


def test_teams_as_they_were_are_taken_again_after_a_change_to_the_okrs_and_a_renamed_team_shows(
    world, monkeypatch
):
    owner = world.actor(world.owner)
    first = _page(world, owner)
    built = []
    tree_of = queries.team_tree
    monkeypatch.setattr(queries, "team_tree", lambda teams: built.append(len(teams)) or tree_of(teams))
    actions.create_objective(owner, title="New one", team=world.growth.pk, period=world.quarter.pk)
    with CaptureQueriesContext(connection) as after_new_objective:
        after = _page(world, owner)
    assert not built  # the teams' rows were read and found as they were
    assert [q for q in after_new_objective.captured_queries if 'FROM "workspaces_team"' in q["sql"]]
    assert [(t.pk, t.name, d) for t, d in after.teams] == [(t.pk, t.name, d) for t, d in first.teams]
    ws_actions.update_team(owner, world.it.pk, name="Infrastructure")
    renamed = _page(world, owner)
    assert built
    assert [t.name for t, _d in renamed.teams] == ["Acme", "Growth", "Infrastructure"]
    assert "Infrastructure" in [s.team.name for s in renamed.sections]
    assert _seen(renamed) == _seen(_fresh(world, world.owner, None))
