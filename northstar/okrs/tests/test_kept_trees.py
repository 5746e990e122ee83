"""Whole OKR trees kept per plan revision, viewer, view and day: after a check-in only the key results' latest
values are read, and the tree is always the one computed afresh."""

import datetime as dt
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from northstar.okrs import actions, queries
from northstar.okrs.models import CheckIn, KeyResult
from northstar.testing import nothing_kept

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keeping(settings):
    settings.NORTHSTAR_OKR_TREES_KEPT = 10_000
    settings.NORTHSTAR_OKR_LAYOUTS_KEPT = 10_000
    queries.forget_forecasts()


TODAY = dt.date.today() + dt.timedelta(days=1)  # after the check-ins these tests record now


def _tree(actor, world, **filters):
    return queries.okr_tree(actor, today=TODAY, period=world.period, **filters)


def _answers(tree):
    """Everything a page reads off a tree: per objective its roll-up, status and rights, per key result its
    value, progress, status, forecast and staleness."""
    return [
        (
            v.objective.pk, v.objective.title, round(v.rollup.progress, 12), v.rollup.has_data, v.status.status,
            v.status.reason, v.can_change,
            [(k.kr.pk, k.kr.title, k.kr.current_value, k.kr.current_confidence, k.kr.version,
              round(k.progress.value, 12), k.status.status, k.stale, k.can_check_in,
              k.forecast and round(k.forecast.probability, 12)) for k in v.key_results],
        )
        for v in tree.all_objectives()
    ]  # fmt: skip


def _afresh(actor, world, settings, **filters):
    with nothing_kept(settings, "NORTHSTAR_OKR_TREES_KEPT"):
        return _tree(actor, world, **filters)


def _more_objectives(world, owner, n=4):
    made = []
    for i in range(n):
        o = actions.create_objective(owner, title=f"Objective {i}", team=world.growth.pk, period=world.period.pk,
                                     parents=[world.objective.pk] if i % 2 else [])  # fmt: skip
        for j in range(2):
            made.append(actions.create_key_result(owner, o.pk, title=f"Number {i}.{j}", kind="increase",
                                                  start=0, target=10 + j))  # fmt: skip
    return made


@pytest.mark.parametrize("aligned_count", [False, True])
def test_the_kept_tree_is_the_tree_computed_afresh_through_check_ins_deletions_and_edits(
    world, settings, monkeypatch, aligned_count
):
    monkeypatch.setattr(queries, "OKR_PAGE_SIZE", 2)  # pages of a tree are kept too
    world.workspace.rollup_includes_aligned = aligned_count
    world.workspace.save()
    owner = world.actor(world.owner)
    key_results = [world.key_result, *_more_objectives(world, owner)]
    rng = random.Random(7)
    assert _answers(_tree(owner, world)) == _answers(_afresh(owner, world, settings))
    for step in range(16):
        kr = rng.choice(key_results)
        if step % 5 == 4 and CheckIn.objects.filter(key_result_id=kr.pk).exists():
            actions.delete_check_in(
                owner, CheckIn.objects.filter(key_result_id=kr.pk).latest("checked_in_at").pk
            )
        elif step % 6 == 5:  # a change to the plan: a key result's target
            fresh = KeyResult.objects.get(pk=kr.pk)
            actions.update_key_result(
                owner, kr.pk, expected_version=fresh.version, target=(fresh.target or 0) + 5
            )
        else:
            actions.do_check_in(
                owner, kr.pk, value=rng.uniform(0, 12), confidence=rng.choice([None, 0.3, 0.8])
            )
        for page in (None, 1, 2, 3):
            kept, afresh = _tree(owner, world, page=page), _afresh(owner, world, settings, page=page)
            assert _answers(kept) == _answers(afresh), (step, page)


def test_after_a_check_in_only_the_latest_values_and_the_moved_key_result_are_read(world):
    owner = world.actor(world.owner)
    _more_objectives(world, owner)
    _tree(owner, world)
    actions.do_check_in(owner, world.key_result.pk, value=7)
    with CaptureQueriesContext(connection) as after:
        tree = _tree(owner, world)
    sql = [q["sql"] for q in after.captured_queries]
    assert not any('FROM "okrs_objective"' in s and '"okrs_objective"."title"' in s for s in sql)
    full_rows = [s for s in sql if 'FROM "okrs_keyresult"' in s and '"okrs_keyresult"."title"' in s]
    assert len(full_rows) == 1 and f"IN ({world.key_result.pk})" in full_rows[0]
    shown = {k.kr.pk: k.kr.current_value for v in tree.all_objectives() for k in v.key_results}
    assert shown[world.key_result.pk] == 7


def test_a_page_changing_a_view_it_was_handed_changes_no_other_page(world):
    owner = world.actor(world.owner)
    _tree(owner, world)  # kept
    first = next(iter(_tree(owner, world).all_objectives()))
    first.quality = "marked by one page"
    first.can_change = False
    again = next(iter(_tree(owner, world).all_objectives()))
    assert again.quality is None and again.can_change is True


def test_a_viewer_never_gets_a_tree_kept_for_someone_who_sees_more(world):
    owner, other = world.actor(world.owner), world.actor(world.other_team)
    seen_by_owner = {v.objective.pk for v in _tree(owner, world).all_objectives()}
    _tree(owner, world)
    seen_by_other = {v.objective.pk for v in _tree(other, world).all_objectives()}
    assert world.private_objective.pk in seen_by_owner
    assert world.private_objective.pk not in seen_by_other


def test_trees_larger_than_the_room_are_not_kept_and_still_right(world, settings):
    settings.NORTHSTAR_OKR_TREES_KEPT = 1
    owner = world.actor(world.owner)
    _tree(owner, world)
    assert len(queries.trees_kept) == 0
    actions.do_check_in(owner, world.key_result.pk, value=4)
    assert _answers(_tree(owner, world)) == _answers(_afresh(owner, world, settings))
