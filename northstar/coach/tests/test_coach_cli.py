import json
from pathlib import Path

from typer.testing import CliRunner

from northstar.cli import app
from northstar.coach.tests.test_finvest import FINVEST

ENGLISH = {"NORTHSTAR_LANGUAGE": "en", "COLUMNS": "200"}


def test_lint_lists_the_findings_and_fails_on_errors():
    result = CliRunner(env=ENGLISH).invoke(app, ["lint", str(FINVEST)])
    assert result.exit_code == 1, result.output
    assert result.output.count("[output-not-outcome]") == 3
    assert "Cut mean time to recovery" in result.output
    assert "3 objectives, 9 key results: 3 errors" in result.output


def test_lint_as_json_for_ci(tmp_path: Path):
    result = CliRunner(env=ENGLISH).invoke(app, ["lint", str(FINVEST), "--format", "json"])
    document = json.loads(result.stdout)
    outputs = [f for f in document["findings"] if f["rule"] == "output-not-outcome"]
    assert [f["key_result"] for f in outputs] == [0, 1, 2]
    assert {f["objective"] for f in outputs} == {"objectives[1]"}


def test_switching_the_errors_off_passes_and_strict_fails_on_warnings():
    quiet = CliRunner(env=ENGLISH).invoke(app, ["lint", str(FINVEST), "--disable", "output-not-outcome"])
    assert quiet.exit_code == 0, quiet.output
    strict = CliRunner(env=ENGLISH).invoke(
        app, ["lint", str(FINVEST), "--disable", "output-not-outcome", "--strict"]
    )
    assert strict.exit_code == 1  # the not-measurable warnings


def test_a_clean_file_passes(tmp_path: Path):
    clean = tmp_path / "clean.yaml"
    clean.write_text(
        "northstar: 1\nobjectives:\n  - title: Make onboarding effortless for small teams\n    key_results:\n"
        "      - {title: Raise week-one activation from 30% to 45%, kind: increase, unit: '%', start: 30, target: 45}\n",
        encoding="utf-8",
    )
    result = CliRunner(env=ENGLISH).invoke(app, ["lint", str(clean)])
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings, 0 hints" in result.output


def test_an_unreadable_file_or_an_unknown_rule_exits_2(tmp_path: Path):
    assert CliRunner(env=ENGLISH).invoke(app, ["lint", str(tmp_path / "missing.yaml")]).exit_code == 2
    broken = tmp_path / "broken.yaml"
    broken.write_text("objectives: [unclosed", encoding="utf-8")
    assert CliRunner(env=ENGLISH).invoke(app, ["lint", str(broken)]).exit_code == 2
    unknown = CliRunner(env=ENGLISH).invoke(app, ["lint", str(FINVEST), "--disable", "nope"])
    assert unknown.exit_code == 2 and "nope" in unknown.output


def test_bench_lint_prints_the_rate_against_the_baseline():
    result = CliRunner(env=ENGLISH).invoke(app, ["bench", "lint", "--count", "500"])
    assert result.exit_code == 0, result.output
    assert "key results per second" in result.output and "baseline" in result.output
