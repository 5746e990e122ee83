from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from northstar.core.lint import RULES, KeyResultDraft, ObjectiveDraft, Rule, lint, rule
from northstar.core.lint.language import detect
from northstar.core.lint.model import Example


@pytest.mark.parametrize(
    ("checked", "example"),
    [(r, e) for r in RULES for e in r.examples],
    ids=[f"{r.id}-{e.language}-{'flagged' if e.flagged else 'passes'}-{n}" for r in RULES for n, e in enumerate(r.examples)],
)  # fmt: skip
def test_every_rule_flags_its_bad_examples_and_passes_its_good_ones(checked: Rule, example: Example) -> None:
    found = [f for f in lint(example.objectives, language=example.language) if f.rule == checked.id]
    assert bool(found) == example.flagged
    for f in found:
        assert f.severity == checked.severity and f.message and f.suggestion


@pytest.mark.parametrize("checked", RULES, ids=[r.id for r in RULES])
def test_every_rule_has_examples_both_ways_in_both_languages(checked: Rule) -> None:
    assert {(e.language, e.flagged) for e in checked.examples} == set(product(["en", "sv"], [True, False]))


def test_rules_can_be_switched_off() -> None:
    bad = ObjectiveDraft(
        "Be better", (KeyResultDraft("Hold a retrospective after every outage", kind="boolean"),)
    )
    everything = {f.rule for f in lint([bad])}
    assert {"objective-vague", "output-not-outcome", "not-measurable"} <= everything
    quieter = {f.rule for f in lint([bad], disabled=["output-not-outcome", "objective-vague"])}
    assert quieter == everything - {"output-not-outcome", "objective-vague"}


def test_language_is_detected_per_text_in_a_mixed_objective() -> None:
    mixed = ObjectiveDraft(
        "Make support effortless",
        (
            KeyResultDraft("Ta fram en ny supportportal", kind="boolean"),
            KeyResultDraft("Launch a new support portal", kind="boolean"),
        ),
    )
    outputs = [f for f in lint([mixed], language="en") if f.rule == "output-not-outcome"]
    assert [(f.key_result, f.language) for f in outputs] == [(0, "sv"), (1, "en")]


def test_the_span_points_at_the_words_that_matter() -> None:
    title = "Vi ska försöka optimera leveransflödet"
    (finding,) = [
        f
        for f in lint([ObjectiveDraft("X", (KeyResultDraft(title, kind="boolean"),))])
        if f.rule == "hedging"
    ]
    assert finding.span is not None and title[finding.span[0] : finding.span[1]] == "försöka"


def test_findings_come_in_order_of_objective_key_result_and_severity() -> None:
    first = ObjectiveDraft("Reach 10,000 users", (KeyResultDraft("Try harder", kind="boolean"),), key="a")
    second = ObjectiveDraft("Be better", (), key="b")
    found = lint([first, second])
    order = [(f.objective, -1 if f.key_result is None else f.key_result) for f in found]
    assert order == sorted(order)
    assert found[-1].objective == "b"


def test_an_objective_written_in_the_other_language_falls_back_to_the_workspace() -> None:
    assert detect("", "sv") == "sv" and detect("KPI", "en") == "en"
    assert detect("Öka andelen kunder som betalar med Swish", "en") == "sv"


def test_the_rule_catalogue_is_unique_and_complete() -> None:
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids)) and rule("output-not-outcome").scope == "key_result"
    assert {r.scope for r in RULES} == {"key_result", "objective", "workspace"}


# --- anything goes in, never a crash, spans inside the text ---------------------------------------------------

texts = st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "Zs", "S")), max_size=120)


@settings(max_examples=300, deadline=None)
@given(
    title=texts,
    krs=st.lists(
        st.tuples(texts, st.sampled_from(["increase", "decrease", "range", "boolean", "milestone"]),
                  st.none() | st.floats(-1e6, 1e6), st.none() | st.floats(-1e6, 1e6)),
        max_size=7,
    ),
    language=st.sampled_from(["en", "sv"]),
)  # fmt: skip
def test_any_text_lints_without_crashing_and_spans_stay_inside_it(
    title: str, krs: list[tuple[str, str, float | None, float | None]], language: str
) -> None:
    drafts = tuple(KeyResultDraft(t, kind=k, start=s, target=g) for t, k, s, g in krs)
    objective = ObjectiveDraft(title, drafts, key="o")
    for f in lint([objective], language="sv" if language == "sv" else "en"):
        assert f.language in ("en", "sv")
        text = title if f.key_result is None else drafts[f.key_result].title
        if f.span is not None:
            assert 0 <= f.span[0] < f.span[1] <= len(text)
        # every placeholder is filled (by blanks here: the text quoted may hold "%(" itself)
        assert "%(" not in (f.message % dict.fromkeys(f.params, "") if f.params else f.message)
