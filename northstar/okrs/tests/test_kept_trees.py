"""Whole OKR trees kept per plan revision, viewer, view and day: after a check-in only the key results' latest
values are read, and the tree is always the one computed afresh."""

import contextlib
import datetime as dt
import itertools
import random
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from northstar.okrs import actions, queries
from northstar.okrs.models import CheckIn, KeyResult
from northstar.testing import make_user, nothing_kept
from northstar.workspaces import actions as ws_actions
from northstar.workspaces import revisions
from northstar.workspaces.errors import ValidationFailed
from northstar.workspaces.models import Membership, User

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
    """Everything a page reads off a tree: per objective its words, team, roll-up, status, rights and the
    objectives it aligns with, per key result its title, value, progress, status, forecast and staleness."""
    return [
        (
            v.objective.pk, v.objective.title, v.objective.description, v.objective.committed,
            v.objective.version, str(v.objective.owner), v.objective.team.name, round(v.rollup.progress, 12), v.rollup.has_data, v.status.status,
            v.status.reason, v.can_change, [(o.pk, o.title) for o in v.parents],
            [(o.pk, o.title) for o in v.children],
            [(k.kr.pk, k.kr.title, k.kr.current_value, k.kr.current_confidence, k.kr.version,
              str(k.kr.owner), round(k.progress.value, 12), k.status.status, k.stale, k.can_check_in,
              k.forecast and round(k.forecast.probability, 12)) for k in v.key_results],
        )
        for v in tree.all_objectives()
    ]  # fmt: skip


def _afresh(actor, world, settings, **filters):
    with nothing_kept("NORTHSTAR_OKR_TREES_KEPT"):
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


def _trees_in_pages(world, monkeypatch, aligned_count):
    """The owner and the key results of a world with four more objectives, in pages of two objectives (pages of
    a tree are kept too), aligned objectives counting in roll-ups or not."""
    monkeypatch.setattr(queries, "OKR_PAGE_SIZE", 2)
    world.workspace.rollup_includes_aligned = aligned_count
    world.workspace.save()
    owner = world.actor(world.owner)
    return owner, [world.key_result, *_more_objectives(world, owner)]


def _a_tree_kept(world, capture_on_commit):
    """The owner, with the whole tree of a world with four more objectives kept, after what making it left pending
    was committed."""
    owner = world.actor(world.owner)
    _more_objectives(world, owner)
    with capture_on_commit(execute=True):
        revisions.changed([world.workspace.pk])
    _tree(owner, world)
    return owner


def _bringing_up_to_date(monkeypatch):
    """A list that records, for every kept tree brought up to date from under an older OKR revision, whether it
    was (True) or read again (False)."""
    brought_up_to_date = []
    bring = queries._kept_tree_now

    def counting(*args, **kwargs):
        found = bring(*args, **kwargs)
        brought_up_to_date.append(kwargs.get("across") and found is not None)
        return found

    monkeypatch.setattr(queries, "_kept_tree_now", counting)
    return brought_up_to_date


def _sections(tree):
    return [(s.team.pk, s.team.name, s.depth, [v.objective.pk for v in s.objectives]) for s in tree.sections]


def _same_kept_and_afresh(world, settings, actors, pages, step, statuses=()):
    for actor in actors:
        for page in pages:
            kept, afresh = _tree(actor, world, page=page), _afresh(actor, world, settings, page=page)
            assert _answers(kept) == _answers(afresh), (step, actor.role, page)
            assert _sections(kept) == _sections(afresh), (step, actor.role, page)
            assert (kept.objective_count, kept.key_result_count) == (
                afresh.objective_count, afresh.key_result_count)  # fmt: skip
        for status, page in itertools.product(statuses, (None, 2)):  # a page of them: across teams, in order
            kept = _tree(actor, world, status=status, page=page)
            afresh = _afresh(actor, world, settings, status=status, page=page)
            assert _answers(kept) == _answers(afresh), (step, actor.role, status, page)
            assert _sections(kept) == _sections(afresh), (step, actor.role, status, page)


COMMITTED = pytest.mark.parametrize(
    "committed", [True, False], ids=["committed (the log of changes)", "not yet committed"]
)


@COMMITTED
@pytest.mark.parametrize("aligned_count", [False, True])
def test_the_kept_tree_is_the_tree_computed_afresh_through_check_ins_deletions_and_edits(
    world, settings, monkeypatch, aligned_count, committed, django_capture_on_commit_callbacks
):
    owner, key_results = _trees_in_pages(world, monkeypatch, aligned_count)
    rng = random.Random(7)
    with django_capture_on_commit_callbacks(execute=committed):
        revisions.changed([world.workspace.pk])  # what making the world left pending is committed, or not
    assert _answers(_tree(owner, world)) == _answers(_afresh(owner, world, settings))
    objectives = sorted({kr.objective_id for kr in key_results})
    # an objective's owner may change it and check in on its key results: the IT editor, given one, may
    people = [None, world.owner.pk, world.editor.pk, world.other_team.pk]
    viewers = [owner, world.actor(world.editor), world.actor(world.other_team)]
    for step in range(24):
        with django_capture_on_commit_callbacks(execute=committed):
            _check_in_delete_or_edit(owner, rng, key_results, objectives, step, people)
        for viewer, page in itertools.product(viewers, (None, 1, 2, 3)):
            kept, afresh = _tree(viewer, world, page=page), _afresh(viewer, world, settings, page=page)
            assert _answers(kept) == _answers(afresh), (step, viewer.role, page)
        # what a search finds moves with the words, what a filter by owner finds with the owners
        for filters in ({"q": "Renamed"}, {"q": "Number 1"}, {"q": "e"}, {"owner_id": owner.user.pk}):
            kept, afresh = _tree(owner, world, **filters), _afresh(owner, world, settings, **filters)
            assert _answers(kept) == _answers(afresh), (step, filters)


def _check_in_delete_or_edit(owner, rng, key_results, objectives, step, people):
    kr = rng.choice(key_results)
    if step % 4 == 1:  # an objective's words, and now and then its owner, which leave the OKRs standing
        pk = rng.choice(objectives)
        owned = {"owner": rng.choice(people)} if rng.random() < 0.6 else {}
        actions.update_objective(owner, pk, title=f"Renamed {step}", description=f"Why {step}",
                                 committed=rng.choice([True, False]), **owned)  # fmt: skip
    elif step % 8 == 6:  # seen by its team alone, or by everyone: a change to the OKRs (whose owner sees it)
        actions.update_objective(owner, rng.choice(objectives), visibility=rng.choice(["team", "workspace"]))
    elif step % 7 == 3:  # a key result's title and owner
        actions.update_key_result(owner, kr.pk, title=rng.choice(["Renamed number", f"Number 1.{step}"]),
                                  owner=rng.choice([None, owner.user.pk]))  # fmt: skip
    elif step % 5 == 4 and CheckIn.objects.filter(key_result_id=kr.pk).exists():
        actions.delete_check_in(owner, CheckIn.objects.filter(key_result_id=kr.pk).latest("checked_in_at").pk)
    elif step % 6 == 5:  # a change to the plan: a key result's target
        fresh = KeyResult.objects.get(pk=kr.pk)
        actions.update_key_result(
            owner, kr.pk, expected_version=fresh.version, target=(fresh.target or 0) + 5
        )
    else:
        actions.do_check_in(owner, kr.pk, value=rng.uniform(0, 12), confidence=rng.choice([None, 0.3, 0.8]))


@COMMITTED
@pytest.mark.parametrize("aligned_count", [False, True])
def test_the_kept_tree_is_the_tree_computed_afresh_through_key_results_made_removed_and_moved(
    world, settings, monkeypatch, aligned_count, committed, django_capture_on_commit_callbacks
):
    owner, key_results = _trees_in_pages(world, monkeypatch, aligned_count)
    editor, viewer = world.actor(world.editor), world.actor(world.other_team)
    # the IT objective: the editor of Growth may not check in on its key results, unless they own one
    objectives = sorted({kr.objective_id for kr in key_results} | {world.it_objective.pk})
    rng = random.Random(11)
    with django_capture_on_commit_callbacks(execute=committed):
        revisions.changed([world.workspace.pk])
    brought_up_to_date = _bringing_up_to_date(monkeypatch)

    def same_everywhere(step):
        _same_kept_and_afresh(world, settings, (owner, editor, viewer), (None, 1, 2, 3), step)

    same_everywhere("before")
    for step in range(28):
        for _change in range(1 + (step % 5 == 0)):  # now and then two changes between reads
            with django_capture_on_commit_callbacks(execute=committed):
                _make_remove_or_move(owner, editor, rng, key_results, objectives, step)
        same_everywhere(step)
    # committed, the log names the key results written: trees kept before are brought up to date, not made again
    assert any(brought_up_to_date) == committed


def _make_remove_or_move(owner, editor, rng, key_results, objectives, step):
    """A key result made, removed, moved to another objective or put in another place, or a check-in."""
    kr = rng.choice(key_results)
    if step % 4 == 0 or len(key_results) < 3:
        made = actions.create_key_result(owner, rng.choice(objectives), title=f"Made {step}", kind="increase",
                                         start=0, target=rng.choice([5, 10]),
                                         owner=rng.choice([None, editor.user.pk]))  # fmt: skip
        key_results.append(made)
    elif step % 4 == 1:
        actions.delete_key_result(owner, kr.pk)
        key_results.remove(kr)
    elif step % 4 == 2:  # as an import or an admin's tool writes it: the whole row
        row = KeyResult.objects.get(pk=kr.pk)
        if rng.random() < 0.5:
            row.objective_id = rng.choice(objectives)
        row.position, row.version = rng.randint(0, 4), row.version + 1
        row.save()
    else:
        actions.do_check_in(owner, kr.pk, value=rng.uniform(0, 12), confidence=rng.choice([None, 0.3, 0.8]))


def test_after_a_committed_new_key_result_only_its_row_is_read(world, django_capture_on_commit_callbacks):
    owner = _a_tree_kept(world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        made = actions.create_key_result(owner, world.objective.pk, title="Made now", kind="increase", start=0,
                                         target=8, owner=world.editor.pk)  # fmt: skip
    with CaptureQueriesContext(connection) as captured:
        tree = _tree(owner, world)
    shown = {k.kr.pk: k for v in tree.all_objectives() for k in v.key_results}
    assert made.pk in shown and shown[made.pk].kr.owner == world.editor
    assert not _reads_of("okrs_objective", captured)  # the objectives and their frame stand
    assert len(_reads_of("okrs_keyresult", captured)) <= 2  # the new row, and who may check in on it
    assert len(_reads_of("okrs_checkin", captured)) <= 1  # its history alone
    with django_capture_on_commit_callbacks(execute=True):
        actions.delete_key_result(owner, made.pk)
    with CaptureQueriesContext(connection) as captured:
        tree = _tree(owner, world)
    assert made.pk not in {k.kr.pk for v in tree.all_objectives() for k in v.key_results}
    assert not _reads_of("okrs_objective", captured)


def test_an_objectives_new_owner_shows_and_may_change_it_and_check_in_at_once(
    world, django_capture_on_commit_callbacks
):
    owner = _a_tree_kept(world, django_capture_on_commit_callbacks)
    it_editor = world.actor(world.other_team)  # an editor in IT: the objective is Growth's

    def shown(tree):
        return next(v for v in tree.all_objectives() if v.objective.pk == world.objective.pk)

    before = shown(_tree(it_editor, world))
    assert not before.can_change and not any(k.can_check_in for k in before.key_results)
    with django_capture_on_commit_callbacks(execute=True):
        actions.update_objective(owner, world.objective.pk, owner=world.other_team.pk)
    with CaptureQueriesContext(connection) as captured:
        after = shown(_tree(it_editor, world))
    assert after.objective.owner == world.other_team and after.can_change
    assert after.key_results and all(k.can_check_in for k in after.key_results)
    # the objective's words and owner, the new owner, and the rights on it and on its key results: no frame read
    assert len(_reads_of("okrs_objective", captured)) <= 2
    assert len(_reads_of("okrs_keyresult", captured)) <= 1


def _reads_of(table, captured):
    return [q["sql"] for q in captured.captured_queries if f'FROM "{table}"' in q["sql"]]


def _objectives_read_again(captured):
    """The objectives read whole, each read naming them by id (a read of the view's objectives fails)."""
    whole = [sql for sql in _reads_of("okrs_objective", captured) if '"okrs_objective"."title"' in sql]
    by_id = [re.search(r'"okrs_objective"\."id" IN \(([\d, ]+)\)', sql) for sql in whole]
    assert all(by_id), whole
    return {int(pk) for found in by_id for pk in found[1].split(",")}


def test_after_a_committed_check_in_only_its_key_results_latest_values_are_read(
    world, settings, django_capture_on_commit_callbacks
):
    from northstar.insights import actions as insights

    owner = _a_tree_kept(world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_check_in(owner, world.key_result.pk, value=7)
    with CaptureQueriesContext(connection) as after:
        tree = _tree(owner, world)
    reads = _reads_of("okrs_keyresult", after)
    assert reads and all(f'"okrs_keyresult"."id" IN ({world.key_result.pk})' in s for s in reads)
    assert _answers(tree) == _answers(_afresh(owner, world, settings))
    # a write OKR trees never read (a review) reads no key result again
    with django_capture_on_commit_callbacks(execute=True):
        insights.create_review(owner, period=world.period.pk, kind="weekly", as_of=TODAY)
    with CaptureQueriesContext(connection) as after_review:
        _tree(owner, world)
    assert not _reads_of("okrs_keyresult", after_review)


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


def test_after_a_committed_rename_only_the_renamed_objectives_words_are_read(
    world, settings, django_capture_on_commit_callbacks
):
    owner = _a_tree_kept(world, django_capture_on_commit_callbacks)  # half of the new objectives aligned
    okrs_before = revisions.okr_stamp(revisions.stamp(world.workspace, plan=True))
    with django_capture_on_commit_callbacks(execute=True):
        actions.update_objective(owner, world.objective.pk, title="Grow the zebra fleet")
    assert revisions.okr_stamp(revisions.stamp(world.workspace, plan=True)) == okrs_before
    with CaptureQueriesContext(connection) as after:
        tree = _tree(owner, world)
    objectives = _reads_of("okrs_objective", after)
    assert len(objectives) == 1 and f'"okrs_objective"."id" IN ({world.objective.pk})' in objectives[0]
    assert not _reads_of("okrs_keyresult", after)
    views = {v.objective.pk: v for v in tree.all_objectives()}
    assert views[world.objective.pk].objective.title == "Grow the zebra fleet"
    aligned = [v for v in views.values() if any(p.pk == world.objective.pk for p in v.parents)]
    assert len(aligned) >= 2 and all(p.title == "Grow the zebra fleet" for v in aligned for p in v.parents)
    assert _answers(tree) == _answers(_afresh(owner, world, settings))
    # a change of team moves the OKRs: everything read again
    with django_capture_on_commit_callbacks(execute=True):
        actions.update_objective(owner, world.objective.pk, team=world.company.pk)
    assert revisions.okr_stamp(revisions.stamp(world.workspace, plan=True)) != okrs_before
    assert _answers(_tree(owner, world)) == _answers(_afresh(owner, world, settings))


def test_a_search_finds_an_objective_by_its_new_title_at_once(world, django_capture_on_commit_callbacks):
    owner = world.actor(world.owner)
    assert not list(_tree(owner, world, q="zebra fleet").all_objectives())
    with django_capture_on_commit_callbacks(execute=True):
        actions.update_objective(owner, world.objective.pk, title="Grow the zebra fleet")
    found = [v.objective.pk for v in _tree(owner, world, q="zebra fleet").all_objectives()]
    assert found == [world.objective.pk]
    assert [v.objective.pk for v in _tree(owner, world, q="zebra fleet", page=1).all_objectives()] == found


def test_after_a_change_to_the_okrs_only_the_key_results_whose_inputs_moved_are_worked_out_again(
    world, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from northstar.workspaces import actions as ws_actions
    from northstar.workspaces.models import User

    owner = world.actor(world.owner)
    key_results = [world.key_result, *_more_objectives(world, owner)]
    actions.update_key_result(owner, key_results[1].pk, owner=world.editor.pk)
    for kr in key_results[:4]:
        actions.do_check_in(owner, kr.pk, value=3)
    made = []
    monkeypatch.setattr(queries, "key_result_view", _counting(queries.key_result_view, made))

    def after(change):
        with django_capture_on_commit_callbacks(execute=True):
            change()
        world.workspace.refresh_from_db()
        viewer = world.actor(world.owner)
        made.clear()
        kept = _tree(viewer, world)
        worked_out = sorted(made)
        assert _answers(kept) == _answers(_afresh(viewer, world, settings))
        return worked_out

    after(lambda: revisions.changed([world.workspace.pk]))  # everything kept from here on
    # a person renamed: the OKRs move on; of the key results' views, only those of the objectives they own or own
    # a key result of are worked out again (those objectives are read again whole), and they name them anew
    editor = User.objects.get(pk=world.editor.pk)
    editor.name = "Edna Editor-Berg"
    theirs = KeyResult.objects.filter(objective_id__in=[world.objective.pk, key_results[1].objective_id])
    assert after(editor.save) == sorted(theirs.values_list("pk", flat=True))
    assert len(theirs) < len(key_results)
    named = {k.kr.pk: str(k.kr.owner) for v in _tree(owner, world).all_objectives() for k in v.key_results}
    assert named[key_results[1].pk] == "Edna Editor-Berg"
    # a new key result: its view alone
    fresh = []
    assert after(lambda: fresh.append(actions.create_key_result(owner, world.objective.pk, title="New", start=0,
                                                                target=5))) == [fresh[0].pk]  # fmt: skip
    # a key result's owner: its view alone (its row moved)
    assert after(lambda: actions.update_key_result(owner, key_results[2].pk, owner=world.admin.pk)) == [
        key_results[2].pk
    ]
    # the period's end: every view of its key results (their pace and forecasts move), not of its quarters'
    views = [
        (v.objective.period_id, k.kr.pk) for v in _tree(owner, world).all_objectives() for k in v.key_results
    ]
    everyone = sorted(pk for _period, pk in views)
    in_the_period = sorted(pk for period, pk in views if period == world.period.pk)
    assert len(everyone) > len(in_the_period) > 0
    assert after(lambda: actions.update_period(owner, world.period.pk, end=world.period.end + dt.timedelta(days=9))) == in_the_period  # fmt: skip
    # the check-in cadence: every view (their staleness moves)
    assert after(lambda: ws_actions.update_workspace(owner, check_in_cadence_days=3)) == everyone


def test_after_an_objective_moves_team_the_right_to_check_in_is_worked_out_again(
    world, settings, django_capture_on_commit_callbacks
):
    owner, editor = world.actor(world.owner), world.actor(world.editor)  # the editor checks in for Growth
    kr = _more_objectives(world, owner, n=1)[0]  # of a Growth objective, owned by no one
    before = {k.kr.pk: k.can_check_in for v in _tree(editor, world).all_objectives() for k in v.key_results}
    assert before[kr.pk] is True
    with django_capture_on_commit_callbacks(execute=True):
        actions.update_objective(owner, kr.objective_id, team=world.it.pk)
    kept = _tree(editor, world)
    after = {k.kr.pk: k.can_check_in for v in kept.all_objectives() for k in v.key_results}
    assert after[kr.pk] is False
    assert _answers(kept) == _answers(_afresh(editor, world, settings))


@COMMITTED
def test_a_key_results_new_owner_shows_may_check_in_and_is_found_by_owner_at_once(
    world, settings, committed, django_capture_on_commit_callbacks
):
    owner, editor = world.actor(world.owner), world.actor(world.editor)  # the editor works for Growth, not IT
    uptime = KeyResult.objects.get(key="uptime-kr")  # of IT's objective, seen by everyone
    with django_capture_on_commit_callbacks(execute=committed):
        revisions.changed([world.workspace.pk])
    okrs_before = revisions.okr_stamp(revisions.stamp(world.workspace, plan=True))

    def shown(tree):
        return {
            k.kr.pk: (str(k.kr.owner), k.can_check_in) for v in tree.all_objectives() for k in v.key_results
        }

    assert shown(_tree(editor, world))[uptime.pk] == ("None", False)
    assert uptime.objective_id not in {
        v.objective.pk for v in _tree(editor, world, owner_id=world.editor.pk).all_objectives()
    }
    churn = KeyResult.objects.get(key="secret-churn")  # of Growth's private objective
    with django_capture_on_commit_callbacks(execute=committed):
        actions.update_key_result(owner, uptime.pk, owner=world.editor.pk)
        actions.update_key_result(owner, churn.pk, owner=world.admin.pk)
    assert revisions.okr_stamp(revisions.stamp(world.workspace, plan=True)) == okrs_before
    with CaptureQueriesContext(connection) as after:
        kept = _tree(editor, world)
    assert len(_reads_of("workspaces_user", after)) == 1  # the new owners, together
    assert shown(kept)[uptime.pk] == ("Edith Editor", True)
    assert shown(kept)[churn.pk] == (str(world.admin), True)
    assert _answers(kept) == _answers(_afresh(editor, world, settings))
    for filters in ({"owner_id": world.editor.pk}, {"owner_id": world.editor.pk, "page": 1}):
        found = _tree(editor, world, **filters)
        assert uptime.objective_id in {v.objective.pk for v in found.all_objectives()}
        assert _answers(found) == _answers(_afresh(editor, world, settings, **filters))


def _counting(make, made):
    def counted(kr, *args, **kwargs):
        made.append(kr.pk)
        return make(kr, *args, **kwargs)

    return counted


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


# --- a change to the roadmap's own rows -------------------------------------------------------------------------


def _roadmap_edits(world, owner, key_results, rng):
    """Random changes to the work linked to these key results (and to a milestone key result's milestones)."""
    from northstar.roadmap import actions as roadmap
    from northstar.roadmap.models import Contribution, WorkItem

    boss = world.actor(world.owner)
    milestones_kr = actions.create_key_result(owner, world.objective.pk, title="Ship the plan's milestones",
                                              kind="milestone")  # fmt: skip
    launch = roadmap.create_work_item(boss, title="Launch", kind="initiative", team=world.growth.pk,
                                      start=world.period.start, end=world.period.end)  # fmt: skip
    roadmap.set_contribution(boss, launch.pk, key_result=milestones_kr.pk)
    for n in range(3):
        roadmap.create_work_item(boss, title=f"Milestone {n}", kind="milestone", parent=launch.pk,
                                 start=world.period.start + dt.timedelta(days=30 * (n + 1)))  # fmt: skip
    for kr in key_results:  # a history, so that linked work moves forecasts
        for value in (1, 2, 3):
            actions.do_check_in(owner, kr.pk, value=value + rng.random())

    def day():
        return world.period.start + dt.timedelta(days=rng.randrange(0, 400))

    def edit(step):
        items = list(
            WorkItem.objects.filter(workspace=world.workspace).exclude(kind="initiative").order_by("pk")
        )
        links = list(
            Contribution.objects.filter(workspace=world.workspace, key_result__isnull=False).order_by("pk")
        )
        choice = step % 7
        if choice == 0 or not items:
            item = roadmap.create_work_item(boss, title=f"Work {step}", team=world.growth.pk,
                                            start=world.period.start, end=day())  # fmt: skip
            roadmap.set_contribution(
                boss, item.pk, key_result=rng.choice(key_results).pk, weight=rng.choice([1, 3])
            )
        elif choice == 1:
            item, end = rng.choice(items), day()
            start = end if item.kind == "milestone" else world.period.start
            roadmap.update_work_item(boss, item.pk, start=start, end=end)
        elif choice == 2:
            roadmap.update_work_item(
                boss, rng.choice(items).pk, status=rng.choice(["cancelled", "done", "planned"])
            )
        elif choice == 3 and links:
            link = rng.choice(links)
            roadmap.set_contribution(
                boss, link.work_item_id, key_result=link.key_result_id, weight=link.weight + 1
            )
        elif choice == 4 and links:
            roadmap.remove_contribution(boss, rng.choice(links).pk)
        elif choice == 5:
            roadmap.delete_work_item(boss, rng.choice(items).pk)
        else:
            roadmap.set_contribution(boss, rng.choice(items).pk, key_result=rng.choice(key_results).pk)

    return edit, milestones_kr


@COMMITTED
@pytest.mark.parametrize("aligned_count", [False, True])
def test_the_kept_tree_is_the_tree_computed_afresh_through_changes_to_the_roadmap(
    world, settings, monkeypatch, aligned_count, committed, django_capture_on_commit_callbacks
):
    owner, key_results = _trees_in_pages(world, monkeypatch, aligned_count)
    rng = random.Random(11)
    edit, milestones_kr = _roadmap_edits(world, owner, key_results, rng)
    with django_capture_on_commit_callbacks(execute=committed):
        revisions.changed([world.workspace.pk])  # what making the world left pending is committed, or not
    assert _answers(_tree(owner, world)) == _answers(_afresh(owner, world, settings))
    moved = set()  # by changes to the roadmap alone
    for step in range(21):
        before = {k.kr.pk: (k.forecast, k.milestones) for v in _tree(owner, world).all_objectives()
                  for k in v.key_results}  # fmt: skip
        with django_capture_on_commit_callbacks(execute=committed):
            edit(step)
        assert (revisions.current(world.workspace.pk, plan=True)[1] == 0) is committed
        for page in (None, 1, 2):
            kept, afresh = _tree(owner, world, page=page), _afresh(owner, world, settings, page=page)
            assert _answers(kept) == _answers(afresh), (step, page)
        after = {k.kr.pk: (k.forecast, k.milestones) for v in _tree(owner, world).all_objectives()
                 for k in v.key_results}  # fmt: skip
        moved |= {pk for pk in after if after[pk] != before.get(pk)}
        if step % 4 == 3:  # and check-ins in between
            with django_capture_on_commit_callbacks(execute=committed):
                actions.do_check_in(owner, rng.choice(key_results).pk, value=rng.uniform(0, 12))
            assert _answers(_tree(owner, world)) == _answers(_afresh(owner, world, settings))
    assert milestones_kr.pk in moved and len(moved) > len(key_results) // 2


def test_a_committed_change_to_the_roadmap_reads_the_linked_work_of_the_key_results_it_touched(
    world, settings, django_capture_on_commit_callbacks
):
    from northstar.roadmap import actions as roadmap

    owner = world.actor(world.owner)
    _more_objectives(world, owner)
    with django_capture_on_commit_callbacks(execute=True):
        for value in (1, 2, 3):
            actions.do_check_in(owner, world.key_result.pk, value=value)
        item = roadmap.create_work_item(owner, title="Annual plans page", team=world.growth.pk,
                                        start=world.period.start, end=world.period.start + dt.timedelta(days=200))  # fmt: skip
        roadmap.set_contribution(owner, item.pk, key_result=world.key_result.pk)
        other = roadmap.create_work_item(owner, title="Tidy the wiki", team=world.growth.pk)
    before = {k.kr.pk: k.forecast for v in _tree(owner, world).all_objectives() for k in v.key_results}
    with django_capture_on_commit_callbacks(execute=True):
        roadmap.update_work_item(owner, item.pk, end=world.period.start + dt.timedelta(days=20))
    with CaptureQueriesContext(connection) as after:
        tree = _tree(owner, world)
    sql = [q["sql"] for q in after.captured_queries]
    assert not any('FROM "okrs_objective"' in s and '"okrs_objective"."title"' in s for s in sql)
    assert not any('FROM "okrs_keyresult"' in s and '"okrs_keyresult"."title"' in s for s in sql)
    links = _reads_of("roadmap_contribution", after)
    assert len(links) == 1 and f"IN ({world.key_result.pk})" in links[0]  # the touched key result's alone
    shown = {k.kr.pk: k.forecast for v in tree.all_objectives() for k in v.key_results}
    assert shown[world.key_result.pk] != before[world.key_result.pk]
    assert _answers(tree) == _answers(_afresh(owner, world, settings))
    with CaptureQueriesContext(connection) as again:
        _tree(owner, world)
    assert not _reads_of("roadmap_contribution", again)
    # a change that moves no key result's linked work (a dependency) reads none
    with django_capture_on_commit_callbacks(execute=True):
        roadmap.add_dependency(owner, predecessor=item.pk, successor=other.pk, kind="fs")
    with CaptureQueriesContext(connection) as after_dependency:
        _tree(owner, world)
    assert not _reads_of("roadmap_contribution", after_dependency)
    # a write whose key results are not known (a bulk one) reads all linked work
    with django_capture_on_commit_callbacks(execute=True):
        type(item).objects.filter(pk=item.pk).update(end=world.period.start + dt.timedelta(days=40))
    with CaptureQueriesContext(connection) as after_bulk:
        tree = _tree(owner, world)
    links = _reads_of("roadmap_contribution", after_bulk)
    in_tree = {k.kr.pk for v in tree.all_objectives() for k in v.key_results}
    assert len(links) == 1
    assert {int(n) for n in re.findall(r"\d+", links[0].split('"key_result_id" IN')[1])} == in_tree
    assert _answers(tree) == _answers(_afresh(owner, world, settings))


@COMMITTED
@pytest.mark.parametrize("aligned_count", [False, True])
def test_the_kept_tree_is_the_tree_computed_afresh_through_objectives_made_removed_moved_and_aligned(
    world, settings, monkeypatch, aligned_count, committed, django_capture_on_commit_callbacks
):
    owner, key_results = _trees_in_pages(world, monkeypatch, aligned_count)
    editor, viewer = world.actor(world.editor), world.actor(world.other_team)
    rng = random.Random(13)
    # a period outside the tree's: an objective there aligned below one of the tree rolls up into it, unseen
    later = actions.create_period(owner, name="FY 2028", key="fy28", kind="year", start=dt.date(2027, 7, 1),
                                  end=dt.date(2028, 6, 30))  # fmt: skip
    periods = [world.period.pk, world.quarter.pk, later.pk]
    with django_capture_on_commit_callbacks(execute=committed):
        revisions.changed([world.workspace.pk])
    brought_up_to_date = _bringing_up_to_date(monkeypatch)

    def same_everywhere(step):
        actors = (owner, editor, viewer)
        _same_kept_and_afresh(
            world, settings, actors, (None, 1, 2, 4), step, statuses=("no_data", "on_track")
        )

    same_everywhere("before")
    made, teams = [], [world.growth.pk, world.it.pk]
    for step in range(35):
        for _change in range(1 + (step % 8 == 0)):  # now and then two changes between reads
            with django_capture_on_commit_callbacks(execute=committed):
                _objective_made_removed_moved_or_aligned(
                    owner, rng, made, key_results, world, periods, teams, step
                )
        same_everywhere(step)
    # committed, the log names the objectives written: trees kept before are brought up to date, not made again
    assert any(brought_up_to_date) == committed


def _objective_made_removed_moved_or_aligned(owner, rng, made, key_results, world, periods, teams, step):
    """An objective made (with key results, aligned or not, seen by its team alone or by all, in one of these
    periods, in one of these teams), removed, moved to another team or period, seen by another audience,
    reweighted, aligned anew; a team renamed, moved under another or made — or a check-in."""
    everything = [
        world.objective.pk,
        world.it_objective.pk,
        world.private_objective.pk,
        *(o.pk for o in made),
    ]
    kind = step % 7
    if kind == 6:
        _team_renamed_moved_or_made(owner, rng, world, teams, step)
    elif kind == 0 or not made:
        objective = actions.create_objective(
            owner, title=f"Made {step}", team=rng.choice(teams),
            period=rng.choice(periods), visibility=rng.choice(["team", "workspace"]),
            parents=rng.sample(everything, k=rng.choice([0, 1, 2])),
        )  # fmt: skip
        made.append(objective)
        for n in range(rng.choice([0, 1, 2])):
            key_results.append(actions.create_key_result(owner, objective.pk, title=f"Made {step}.{n}",
                                                         kind="increase", start=0, target=10))  # fmt: skip
    elif kind == 1:
        gone = made.pop(rng.randrange(len(made)))
        actions.delete_objective(owner, gone.pk)
        key_results[:] = [kr for kr in key_results if kr.objective_id != gone.pk]
    elif kind == 2:
        pk = rng.choice(made).pk
        actions.update_objective(owner, pk, **rng.choice([{"team": rng.choice(teams)},
                                                          *({"period": period} for period in periods),
                                                          {"weight": rng.choice([0.5, 2.0])}]))  # fmt: skip
    elif kind == 3:
        pk = rng.choice(made).pk
        actions.update_objective(owner, pk, visibility=rng.choice(["team", "workspace"]), status="active")
    elif kind == 4:  # aligned anew: to others, or to none
        pk = rng.choice(made).pk
        parents = [o for o in everything if o != pk]
        with contextlib.suppress(ValidationFailed):  # it would make a loop
            actions.update_objective(owner, pk, parents=rng.sample(parents, k=rng.choice([0, 1, 2])))
    else:
        kr = rng.choice(key_results)
        actions.do_check_in(owner, kr.pk, value=rng.uniform(0, 12), confidence=rng.choice([None, 0.3, 0.8]))


def _team_renamed_moved_or_made(owner, rng, world, teams, step):
    """A team (one with objectives, or the company's) renamed — before or after the others, by name —, moved
    under another (or to the top), or made under one; or a person renamed."""
    which = rng.choice([*teams, world.company.pk])
    change = rng.choice(["renamed", "moved", "made", "person"])
    if change == "person":  # owner of objectives and key results, or not
        person = User.objects.get(
            pk=rng.choice([world.owner, world.editor, world.other_team, world.viewer]).pk
        )
        person.name = f"{person.name.split(' #')[0]} #{step}"
        person.save()
    elif change == "renamed":
        ws_actions.update_team(owner, which, name=rng.choice(["Aardvarks", "Zebras", f"Team {step}"]))
    elif change == "moved":
        with contextlib.suppress(ValidationFailed):  # under itself or below it
            ws_actions.update_team(owner, which, parent=rng.choice([None, world.company.pk, *teams]))
    else:
        teams.append(ws_actions.create_team(owner, name=f"New {step}", parent=which).pk)


def test_after_a_committed_new_objective_only_its_rows_are_read(world, django_capture_on_commit_callbacks):
    owner = _a_tree_kept(world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        made = actions.create_objective(owner, title="Made now", team=world.it.pk, period=world.period.pk,
                                        parents=[world.objective.pk])  # fmt: skip
    with CaptureQueriesContext(connection) as captured:
        tree = _tree(owner, world)
    views = {v.objective.pk: v for v in tree.all_objectives()}
    assert made.pk in views and [o.pk for o in views[made.pk].parents] == [world.objective.pk]
    assert made.pk in [o.pk for o in views[world.objective.pk].children]
    full_reads = [sql for sql in _reads_of("okrs_objective", captured) if '"okrs_objective"."id" IN' not in sql
                  and "ANY(" not in sql and "json_each" not in sql]  # fmt: skip
    assert not [
        sql for sql in full_reads if '"okrs_objective"."title"' in sql
    ]  # no objective read but its own
    assert not _reads_of("okrs_checkin", captured)  # no history read again: its objective has no key results
    with django_capture_on_commit_callbacks(execute=True):
        actions.delete_objective(owner, made.pk)
    tree = _tree(owner, world)
    views = {v.objective.pk: v for v in tree.all_objectives()}
    assert made.pk not in views and made.pk not in [o.pk for o in views[world.objective.pk].children]


def test_a_team_renamed_or_moved_shows_at_once_and_only_its_objectives_are_read_again(
    world, settings, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(queries, "OKR_PAGE_SIZE", 1)
    owner = world.actor(world.owner)
    # a team without objectives of its own, above one with: renamed, it takes its sub-team's objective along
    holding = ws_actions.create_team(owner, name="Holding", parent=world.company.pk)
    deep = ws_actions.create_team(owner, name="Deep", parent=holding.pk)
    for team in (deep, world.growth, world.it):
        actions.create_objective(owner, title=f"In {team.name}", team=team.pk, period=world.period.pk)
    with django_capture_on_commit_callbacks(execute=True):
        revisions.changed([world.workspace.pk])
    pages = range(1, _tree(owner, world).objective_count + 1)

    def same_as_afresh():
        for page in (None, *pages):
            kept = _tree(owner, world, status="no_data", page=page)
            afresh = _afresh(owner, world, settings, status="no_data", page=page)
            assert (_answers(kept), _sections(kept)) == (_answers(afresh), _sections(afresh)), page

    same_as_afresh()  # kept
    growths = set(world.growth.objectives.values_list("pk", flat=True))
    for change in (
        lambda: ws_actions.update_team(owner, holding.pk, name="Zulu holding"),  # after IT now
        lambda: ws_actions.update_team(owner, world.growth.pk, name="Zebra growth"),
        lambda: ws_actions.update_team(owner, world.growth.pk, parent=holding.pk),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            change()
        with CaptureQueriesContext(connection) as after:
            tree = _tree(owner, world)
        assert _objectives_read_again(after) <= growths  # the team's own objectives, none other
        assert _answers(tree) == _answers(_afresh(owner, world, settings))
        same_as_afresh()
    names = {v.objective.pk: v.objective.team.name for v in _tree(owner, world).all_objectives()}
    assert {names[pk] for pk in growths} == {"Zebra growth"}


def _okrs_and_plan(world):
    plan = revisions.stamp(world.workspace, plan=True)
    return revisions.okr_stamp(plan), revisions.plan_only(plan)


def test_people_joining_leaving_and_changing_place_leave_other_viewers_kept_trees_standing(
    world, settings, django_capture_on_commit_callbacks
):
    owner = _a_tree_kept(world, django_capture_on_commit_callbacks)
    okrs_before, plan_before = _okrs_and_plan(world)
    newcomer = make_user("nina@acme.example", "Nina Newcomer")
    with django_capture_on_commit_callbacks(execute=True):
        joined = ws_actions.add_member(owner, world.workspace, newcomer, "editor", [world.growth])
        ws_actions.set_team_members(owner, world.it.pk, [world.other_team.pk, world.viewer.pk, newcomer.pk])
        ws_actions.change_role(owner, Membership.objects.get(user=world.viewer).pk, "editor")
        ws_actions.invite_member(owner, email="paul@acme.example", role="viewer")
        ws_actions.set_language(world.editor, "sv")
        ws_actions.remove_member(owner, joined.pk)
    okrs_now, plan_now = _okrs_and_plan(world)
    assert okrs_now == okrs_before
    assert plan_now != plan_before  # what the roadmap is built from may name people
    with CaptureQueriesContext(connection) as after:
        tree = _tree(owner, world)
    assert not _reads_of("okrs_objective", after) and not _reads_of("okrs_keyresult", after)
    assert _answers(tree) == _answers(_afresh(owner, world, settings))
    # a person's new name shows on trees: the OKRs move
    with django_capture_on_commit_callbacks(execute=True):
        world.editor.name = "Edith Renamed"
        world.editor.save()
    assert _okrs_and_plan(world)[0] != okrs_before
    owners = {str(v.objective.owner) for v in _tree(owner, world).all_objectives()}
    assert "Edith Renamed" in owners and "Edith Editor" not in owners


@pytest.mark.parametrize("aligned_count", [False, True])
def test_a_persons_new_name_shows_at_once_and_only_what_they_own_is_read_again(
    world, settings, aligned_count, django_capture_on_commit_callbacks
):
    world.workspace.rollup_includes_aligned = aligned_count
    world.workspace.save()
    owner = world.actor(world.owner)
    # the viewer owns a key result of an objective Ivan owns; the editor owns an objective and its key result
    actions.create_key_result(owner, world.it_objective.pk, title="Cut pages from 40 to 10", kind="decrease",
                              start=40, target=10, owner=world.viewer.pk)  # fmt: skip
    owner = _a_tree_kept(world, django_capture_on_commit_callbacks)
    for person, theirs in ((world.viewer, {world.it_objective.pk}), (world.editor, {world.objective.pk})):
        with django_capture_on_commit_callbacks(execute=True):
            person.name = f"{person.name} Renamed"
            person.save()
        with CaptureQueriesContext(connection) as after:
            tree = _tree(owner, world)
        assert _objectives_read_again(after) <= theirs
        assert _answers(tree) == _answers(_afresh(owner, world, settings))
        shown = {str(v.objective.owner) for v in tree.all_objectives()}
        shown |= {str(k.kr.owner) for v in tree.all_objectives() for k in v.key_results}
        assert person.name in shown and person.name.removesuffix(" Renamed") not in shown


def test_workspace_settings_no_tree_is_built_from_leave_kept_trees_standing(
    world, settings, django_capture_on_commit_callbacks
):
    owner = _a_tree_kept(world, django_capture_on_commit_callbacks)
    okrs_before, plan_before = _okrs_and_plan(world)
    with django_capture_on_commit_callbacks(execute=True):
        ws_actions.update_workspace(owner, name="Acme Inc", grade_committed=0.9, orphan_threshold=0.3,
                                    classic_score="wsjf", language="sv")  # fmt: skip
    okrs_now, plan_now = _okrs_and_plan(world)
    assert okrs_now == okrs_before and plan_now != plan_before  # the roadmap ranks by the classic score
    world.workspace.refresh_from_db()
    owner = world.actor(world.owner)
    with CaptureQueriesContext(connection) as after:
        tree = _tree(owner, world)
    assert not _reads_of("okrs_objective", after) and not _reads_of("okrs_keyresult", after)
    assert _answers(tree) == _answers(_afresh(owner, world, settings))
    # the check-in cadence decides every key result's staleness: read again
    with django_capture_on_commit_callbacks(execute=True):
        ws_actions.update_workspace(owner, check_in_cadence_days=1)
    assert _okrs_and_plan(world)[0] != okrs_before
    world.workspace.refresh_from_db()
    owner = world.actor(world.owner)
    with CaptureQueriesContext(connection) as after:
        tree = _tree(owner, world)
    assert _reads_of("okrs_keyresult", after)
    assert _answers(tree) == _answers(_afresh(owner, world, settings))


def test_a_persons_new_place_shows_in_their_own_tree_at_once(
    world, settings, django_capture_on_commit_callbacks
):
    private = world.private_objective.pk

    def seen_by_ivan():
        ivan = world.actor(world.other_team)
        tree = _tree(ivan, world)
        assert _answers(tree) == _answers(_afresh(ivan, world, settings))
        views = {v.objective.pk: v for v in tree.all_objectives()}
        growth_krs = [
            k for v in views.values() if v.objective.team_id == world.growth.pk for k in v.key_results
        ]
        return private in views, {k.can_check_in for k in growth_krs}

    assert seen_by_ivan() == (False, {False})
    with django_capture_on_commit_callbacks(execute=True):
        ws_actions.set_team_members(world.actor(world.owner), world.growth.pk,
                                    [world.editor.pk, world.viewer.pk, world.other_team.pk])  # fmt: skip
    assert seen_by_ivan() == (True, {True})
    ivans = Membership.objects.get(user=world.other_team, workspace=world.workspace)
    with django_capture_on_commit_callbacks(execute=True):
        ws_actions.change_role(world.actor(world.owner), ivans.pk, "viewer")
    assert seen_by_ivan() == (True, {False})
    with django_capture_on_commit_callbacks(execute=True):
        ws_actions.set_team_members(world.actor(world.owner), world.growth.pk, [world.editor.pk])
    assert seen_by_ivan() == (False, {False})


def test_where_roll_ups_count_aligned_objectives_a_check_in_rolls_up_again_only_what_it_moves(
    world, settings, django_capture_on_commit_callbacks
):
    world.workspace.rollup_includes_aligned = True
    world.workspace.save()
    owner = _a_tree_kept(world, django_capture_on_commit_callbacks)
    before = {v.objective.pk: v for v in _tree(owner, world).all_objectives()}
    uptime = KeyResult.objects.get(objective=world.it_objective)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_check_in(owner, uptime.pk, value=99.7)
    tree = _tree(owner, world)
    after = {v.objective.pk: v for v in tree.all_objectives()}
    assert after.keys() == before.keys() and len(after) >= 6
    rolled_up_again = {pk for pk, view in after.items() if view.rollup is not before[pk].rollup}
    # the IT objective, and the objective it is aligned to, whose roll-up counts it
    assert rolled_up_again == {world.it_objective.pk, world.objective.pk}
    assert after[world.objective.pk].rollup.progress > before[world.objective.pk].rollup.progress
    assert _answers(tree) == _answers(_afresh(owner, world, settings))
    # a new objective aligned below it: itself, and the objectives it rolls up into
    with django_capture_on_commit_callbacks(execute=True):
        made = actions.create_objective(owner, title="Made now", team=world.it.pk, period=world.quarter.pk,
                                        parents=[world.it_objective.pk])  # fmt: skip
    tree = _tree(owner, world)
    later = {v.objective.pk: v for v in tree.all_objectives()}
    assert {pk for pk, view in later.items() if pk not in after or view.rollup is not after[pk].rollup} == {
        made.pk, world.it_objective.pk, world.objective.pk}  # fmt: skip
    assert _answers(tree) == _answers(_afresh(owner, world, settings))
