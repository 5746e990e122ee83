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
