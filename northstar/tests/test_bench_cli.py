import pytest
from typer.testing import CliRunner

from northstar.cli import app

ENGLISH = {"NORTHSTAR_LANGUAGE": "en"}  # the assertions read English words


def test_bench_schedule_prints_time_and_ratio_to_the_baseline():
    result = CliRunner(env=ENGLISH).invoke(app, ["bench", "schedule", "--items", "300", "--deps", "600"])
    assert result.exit_code == 0, result.output
    assert "graphlib" in result.output and "schedule()" in result.output
    assert "1.00" in result.output  # the baseline's own ratio


def test_bench_schedule_refuses_a_nonsense_size():
    result = CliRunner(env=ENGLISH).invoke(app, ["bench", "schedule", "--items", "1"])
    assert result.exit_code == 1


def test_bench_optimise_prints_the_value_against_greedy():
    result = CliRunner(env=ENGLISH).invoke(app, ["bench", "optimise", "--items", "40", "--teams", "4"])
    assert result.exit_code == 0, result.output
    assert "greedy" in result.output and "HiGHS" in result.output and "gap" in result.output


def test_bench_forecast_prints_brier_calibration_and_rank_correlation():
    result = CliRunner(env={**ENGLISH, "COLUMNS": "200"}).invoke(app, ["bench", "forecast", "--count", "60"])
    assert result.exit_code == 0, result.output
    assert "straight-line pace (baseline)" in result.output and "northstar forecast" in result.output
    assert "Brier score" in result.output and "rank correlation" in result.output
    assert "Ceiling on the same data" in result.output
    assert CliRunner(env=ENGLISH).invoke(app, ["bench", "forecast", "--count", "3"]).exit_code == 1


def test_simulate_writes_the_truth_as_json(tmp_path):
    import json

    out = tmp_path / "sim.json"
    result = CliRunner(env={**ENGLISH, "COLUMNS": "200"}).invoke(
        app, ["simulate", "--count", "4", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    krs = json.loads(out.read_text())
    assert len(krs) == 4
    for kr in krs:
        reached = (kr["final"] - kr["start_value"]) / (kr["target"] - kr["start_value"]) >= 1
        assert kr["reached"] is reached
        assert all("planted_effect" in d for d in kr["deliveries"])


@pytest.mark.django_db
@pytest.mark.parametrize("room", [100_000, 0])
def test_bench_scale_prints_the_tree_and_the_page_beside_their_baselines(settings, room):
    from northstar.exchange.generate import SCALES, generate
    from northstar.workspaces.web import today

    settings.NORTHSTAR_OKR_TREES_KEPT = settings.NORTHSTAR_OKR_LAYOUTS_KEPT = (
        room  # as a server keeps them, or not
    )

    from northstar.okrs.models import Alignment, CheckIn, KeyResult, Objective
    from northstar.roadmap.models import WorkItem
    from northstar.workspaces.models import Membership, Team, TeamMember, User

    generate(SCALES["tiny"], name="Tiny", slug="tiny", today=today(), seed=3)
    ends = dict(WorkItem.objects.values_list("pk", "end"))
    key_results = sorted(KeyResult.objects.values_list("pk", "target", "current_value", "last_check_in_at"))
    titles = dict(Objective.objects.values_list("pk", "title"))
    alignments = sorted(Alignment.objects.values_list("child_id", "parent_id"))
    check_ins = CheckIn.objects.count()
    places = (sorted(Membership.objects.values_list("pk", "role")), TeamMember.objects.count())
    names = dict(Team.objects.values_list("pk", "name")), dict(User.objects.values_list("pk", "name"))
    result = CliRunner(env={**ENGLISH, "COLUMNS": "250"}).invoke(
        app, ["bench", "scale", "--workspace", "tiny"]
    )
    assert result.exit_code == 0, result.output
    # what it changed to measure, taken back: work items' dates, key results' targets and values, objectives'
    # titles, check-ins, key results and objectives added, people's roles and teams, teams' and people's names
    assert dict(WorkItem.objects.values_list("pk", "end")) == ends
    assert dict(Objective.objects.values_list("pk", "title")) == titles  # objectives made, removed again
    assert sorted(Alignment.objects.values_list("child_id", "parent_id")) == alignments
    assert (
        sorted(KeyResult.objects.values_list("pk", "target", "current_value", "last_check_in_at"))
        == key_results
    )
    assert CheckIn.objects.count() == check_ins
    assert (sorted(Membership.objects.values_list("pk", "role")), TeamMember.objects.count()) == places
    assert (
        dict(Team.objects.values_list("pk", "name")),
        dict(User.objects.values_list("pk", "name")),
    ) == names
    lines = result.output.splitlines()
    tree = [line for line in lines if "OKR tree with roll-ups and status" in line]
    assert len(tree) == 13
    assert ("kept (nothing changed)" if room else "not kept: more key results than") in tree[0]
    assert all("raw SQL read of the same rows" in line for line in tree[:11])
    assert "after a check-in" in tree[1] and "after a change to the roadmap" in tree[2]
    assert "after a key result's new target" in tree[3] and "after an objective's new title" in tree[4]
    assert "after a new key result" in tree[5] and "after a new objective, aligned" in tree[6]
    assert "after a change to people" in tree[7] and "after a team's new name" in tree[8]
    assert "after a person's new name" in tree[9]
    assert all("after a change to the OKRs (everything" in line for line in tree[10:])
    assert "queries, replayed raw" in tree[11] and "naive per-object ORM" in tree[12]
    page = [line for line in lines if "OKR page: its first" in line]
    assert len(page) == 7 and all("raw SQL read of the same rows" in line for line in page[:6])
    assert "kept (nothing changed)" in page[0] and "after a check-in" in page[1]
    assert "after a change to the roadmap" in page[2] and "after an objective's new title" in page[3]
    assert "after a new key result" in page[4]
    assert "after a change to the OKRs" in page[5] and "naive per-object ORM" in page[6]
    assert "OKR tree, forecasts made afresh" in result.output
    assert "critical path" in result.output
    assert "coverage report again, on the kept roadmap" in result.output
    assert "dashboard board after a check-in" in result.output
    assert "dashboard board after a change to the roadmap" in result.output
    assert "roadmap page: its table in timeline order" in result.output


@pytest.mark.django_db
@pytest.mark.parametrize("aligned_count", [True, False])
def test_the_naive_walk_builds_the_same_page_as_the_tree_and_the_bench_notices_when_it_does_not(
    aligned_count,
):
    from northstar.bench_scale import _answers, _naive_tree, _same
    from northstar.cli import acting
    from northstar.exchange.generate import SCALES, generate
    from northstar.okrs import queries
    from northstar.okrs.models import Alignment, Period
    from northstar.workspaces.web import today

    workspace = generate(SCALES["tiny"], name="Tiny", slug="tiny", today=today(), seed=5)
    workspace.rollup_includes_aligned = aligned_count
    workspace.save()
    actor = acting(workspace, None)
    assert Alignment.objects.filter(workspace=workspace).exists()  # roll-ups cross objectives
    period = queries.default_period(actor, today())
    family = sorted(queries.period_family(period, Period.objects.restrict(actor)))
    tree = _answers(queries.okr_tree(actor, today=today(), period=period))
    naive = _naive_tree(actor, family, today())
    _same(naive, tree)
    assert {status for _progress, status in tree.values()} - {"no_data"}  # statuses were really computed
    pk = next(iter(naive))
    with pytest.raises(AssertionError):
        _same({**naive, pk: (naive[pk][0] + 0.5, naive[pk][1])}, tree)


@pytest.mark.django_db
def test_bench_import_imports_for_real_and_leaves_nothing_behind():
    from northstar.roadmap.models import WorkItem
    from northstar.workspaces.models import Workspace

    before = (Workspace.objects.count(), WorkItem.objects.count())
    result = CliRunner(env={**ENGLISH, "COLUMNS": "200"}).invoke(app, ["bench", "import", "--items", "30"])
    assert result.exit_code == 0, result.output
    assert "Import of 30 work items and 24 dependencies" in result.output  # three initiatives of nine tasks
    assert "bulk insert of the bare rows (baseline)" in result.output
    assert (Workspace.objects.count(), WorkItem.objects.count()) == before
    assert CliRunner(env=ENGLISH).invoke(app, ["bench", "import", "--items", "3"]).exit_code == 1
