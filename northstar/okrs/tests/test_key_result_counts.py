"""Each objective's number of key results, kept by the database's triggers (migration okrs 0006), and the OKR
page's placement that sums it: counted by team, paged in the team tree's order."""

import importlib
import itertools

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from northstar.okrs import actions, queries
from northstar.okrs.models import KeyResult, Objective
from northstar.workspaces.models import Team

pytestmark = pytest.mark.django_db
counting = importlib.import_module("northstar.okrs.migrations.0006_key_result_counts")
keys = itertools.count(1)


def _kept_counts():
    rows = Objective.objects.annotate(krs=queries.KEY_RESULT_COUNT).values_list("pk", "krs")
    return dict(rows)


def _true_counts():
    found = dict.fromkeys(Objective.objects.values_list("pk", flat=True), 0)
    for objective_id in KeyResult.objects.values_list("objective_id", flat=True):
        found[objective_id] += 1
    return found


def _key_result(objective, **fields):
    return KeyResult(
        workspace_id=objective.workspace_id, objective=objective, key=f"counted-{next(keys)}",
        title="Counted", kind="increase", start=0, target=10, **fields,
    )  # fmt: skip


def test_the_triggers_are_installed():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = 'okrs_keyresult'::regclass")
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'okrs_keyresult'"
            )
        found = {row[0] for row in cursor.fetchall()}
    assert set(counting.TRIGGERS) <= found


def test_every_way_key_results_come_go_and_move_is_counted(world):
    a, b = world.objective, world.it_objective
    assert _kept_counts() == _true_counts()
    one = _key_result(a)
    one.save()
    KeyResult.objects.bulk_create([_key_result(a), _key_result(b), _key_result(b)])
    assert _kept_counts() == _true_counts()
    one.objective = b
    one.save()  # moved
    KeyResult.objects.filter(objective=b).exclude(pk=one.pk).update(objective=a)  # moved in bulk
    assert _kept_counts() == _true_counts()
    one.delete()
    KeyResult.objects.filter(objective=a, key__startswith="counted-").delete()
    assert _kept_counts() == _true_counts()
    doomed = actions.create_objective(world.actor(world.owner), title="Doomed", team=world.growth.pk)
    KeyResult.objects.bulk_create([_key_result(doomed), _key_result(doomed)])
    assert _kept_counts()[doomed.pk] == 2
    doomed.delete()  # its key results go with it
    assert _kept_counts() == _true_counts()
    before = _kept_counts()
    with pytest.raises(RuntimeError), transaction.atomic():
        KeyResult.objects.bulk_create([_key_result(a), _key_result(a)])
        raise RuntimeError
    assert _kept_counts() == before == _true_counts()


def test_saving_an_objective_leaves_its_count_to_the_database(world):
    objective = Objective.objects.get(pk=world.objective.pk)
    _key_result(objective).save()  # after the objective was read
    objective.title = "Renamed"
    objective.save()
    assert _kept_counts() == _true_counts()


changes = st.lists(
    st.tuples(st.sampled_from(["add", "move", "remove"]), st.integers(0, 3), st.integers(0, 50)), max_size=12
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=changes)
def test_the_counts_follow_any_sequence_of_changes(world, changes):
    class Undo(Exception):
        pass

    objectives = [world.objective, world.it_objective, world.private_objective, world.other_objective]
    with pytest.raises(Undo), transaction.atomic():
        for change, which, n in changes:
            objective = objectives[which]
            present = list(KeyResult.objects.order_by("pk").values_list("pk", flat=True))
            if change == "add":
                KeyResult.objects.bulk_create([_key_result(objective) for _ in range(n % 4 + 1)])
            elif change == "move" and present:
                KeyResult.objects.filter(pk=present[n % len(present)]).update(objective=objective)
            elif change == "remove" and present:
                KeyResult.objects.filter(pk__in=present[n % len(present) :: 3]).delete()
            assert _kept_counts() == _true_counts()
        raise Undo
    assert _kept_counts() == _true_counts()


def _expected_order(objectives, teams_in_order):
    """The tree's order said plainly: teams as in the team tree, objectives of unlisted teams last, each by
    position."""
    place = {pk: n for n, pk in enumerate(teams_in_order)}
    return [
        o.pk for o in sorted(objectives, key=lambda o: (place.get(o.team_id, len(place)), o.position, o.pk))
    ]


def test_pages_follow_the_team_tree_with_objectives_of_unseen_teams_last(world, monkeypatch):
    monkeypatch.setattr(queries, "OKR_PAGE_SIZE", 3)
    owner = world.actor(world.owner)
    for n in range(4):
        actions.create_objective(owner, title=f"IT {n}", team=world.it.pk, period=world.quarter.pk)
        actions.create_objective(owner, title=f"Growth {n}", team=world.growth.pk, period=world.quarter.pk)
    seen = [t for t in Team.objects.restrict(owner) if t.pk != world.it.pk]  # as if IT were out of sight
    placed = queries.team_tree(seen)
    teams = queries.TeamOrder(placed, {t.pk: t for t in seen}, {t.pk: n for n, (t, _d) in enumerate(placed)})
    objectives = (
        Objective.objects.restrict(owner).filter(workspace=world.workspace).order_by("position", "id")
    )
    placement = queries._placement(objectives, teams, joined=False)
    assert placement.objectives == objectives.count()
    assert placement.key_results == KeyResult.objects.filter(objective__in=objectives).count()
    assert placement.groups[-1] == (None, objectives.filter(team=world.it).count())
    pages = -(-placement.objectives // 3)
    paged = [
        pk for number in range(1, pages + 1) for pk in queries._page_ids(objectives, placement, teams, number)
    ]
    assert paged == _expected_order(objectives, [t.pk for t, _d in placed])


def test_a_search_across_key_results_counts_each_objective_and_key_result_once(world, monkeypatch):
    monkeypatch.setattr(queries, "OKR_PAGE_SIZE", 2)
    owner = world.actor(world.owner)
    for n in range(3):
        objective = actions.create_objective(
            owner, title=f"Plain {n}", team=world.growth.pk, period=world.quarter.pk
        )
        for m in range(n + 1):
            actions.create_key_result(owner, objective.pk, title=f"Searched {m}", start=0, target=1)
    whole = queries.okr_tree(owner, today=world.quarter.start, period=world.quarter, q="searched")
    first = queries.okr_tree(owner, today=world.quarter.start, period=world.quarter, q="searched", page=1)
    second = queries.okr_tree(owner, today=world.quarter.start, period=world.quarter, q="searched", page=2)
    assert first.objective_count == whole.objective_count == 3
    assert first.key_result_count == whole.key_result_count == 6
    paged = [v.objective.pk for tree in (first, second) for v in tree.all_objectives()]
    assert paged == [v.objective.pk for v in whole.all_objectives()]
