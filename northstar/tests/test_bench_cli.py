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
