"""The coach on the seed company: the IT team's key results are outputs; the company's and Kundsupport's are
outcomes."""

from pathlib import Path

import yaml

from northstar.coach.drafts import document_drafts
from northstar.core.lint import lint

FINVEST = Path(__file__).resolve().parents[3] / "shared" / "examples" / "finvest.yaml"
if not FINVEST.exists():  # the copy that ships with the product
    FINVEST = Path(__file__).resolve().parents[2] / "exchange" / "data" / "finvest.yaml"


def outputs_by_objective() -> dict[str, list[bool]]:
    drafts = document_drafts(yaml.safe_load(FINVEST.read_text(encoding="utf-8")))
    flagged = {(f.objective, f.key_result) for f in lint(drafts) if f.rule == "output-not-outcome"}
    return {d.title: [(d.key, i) in flagged for i in range(len(d.key_results))] for d in drafts}


def test_the_it_teams_key_results_are_flagged_as_outputs():
    assert outputs_by_objective()["Achieve maximum uptime over the next three months"] == [True, True, True]


def test_the_company_and_kundsupport_key_results_pass_the_outcome_rule():
    found = outputs_by_objective()
    assert found["Increase recurring revenues over the next year"] == [False, False, False]
    assert found["Ge våra kunder support i världsklass"] == [False, False, False]


def test_the_swedish_key_results_are_read_as_swedish():
    drafts = document_drafts(yaml.safe_load(FINVEST.read_text(encoding="utf-8")))
    support = next(d for d in drafts if d.title.startswith("Ge våra kunder"))
    from northstar.core.lint.language import detect

    assert [detect(k.title, "en") for k in support.key_results] == ["sv", "sv", "sv"]
