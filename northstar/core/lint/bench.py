"""Benchmark: linting many key results on one core, against reading the same texts once (lower-case and split),
measured in the same run. The texts are the labelled corpus's key results, cycled with their numbers varied,
each under its own small objective as the editor and the reports lint them."""

from __future__ import annotations

import re
import time
from pathlib import Path

import yaml

from northstar.core.lint import KeyResultDraft, ObjectiveDraft, lint

CORPUS = Path(__file__).parent / "tests" / "data" / "corpus.yaml"
PER_OBJECTIVE = 4


def texts(count: int) -> list[str]:
    rows = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    base = [r["text"] for r in rows if r["kind"] == "key_result"]
    return [_shifted(base[n % len(base)], n // len(base)) for n in range(count)]


def _shifted(text: str, by: int) -> str:
    """The text with every number in it raised by ``by`` (so the cycled texts differ)."""
    return re.sub(r"\d+", lambda m: str(int(m.group(0)) + by), text)


def objectives(key_results: list[str]) -> list[ObjectiveDraft]:
    return [
        ObjectiveDraft(
            f"Objective {n}",
            tuple(
                KeyResultDraft(t, start=1.0, target=2.0, unit="%") for t in key_results[i : i + PER_OBJECTIVE]
            ),
            key=str(n),
        )
        for n, i in enumerate(range(0, len(key_results), PER_OBJECTIVE))
    ]


def forget() -> None:
    """Empty the text caches, so the run measures cold work."""
    from northstar.core.lint import language, outcome, text
    from northstar.core.lint.rules import duplicate_key_results

    for cached in (
        language.detect,
        outcome.cues,
        outcome._stem_match,
        text.words,
        text.numbers,
        text.measuring_numbers,
        duplicate_key_results.stem,
    ):
        cached.cache_clear()


def run(count: int = 10_000) -> dict[str, float]:
    drafts = objectives(texts(count))
    forget()
    started = time.perf_counter()
    words = sum(len(kr.title.lower().split()) for o in drafts for kr in o.key_results)
    baseline = time.perf_counter() - started
    started = time.perf_counter()
    findings = lint(drafts)
    seconds = time.perf_counter() - started
    return {
        "key_results": float(count),
        "objectives": float(len(drafts)),
        "findings": float(len(findings)),
        "words": float(words),
        "seconds": seconds,
        "baseline_seconds": baseline,
        "per_second": count / seconds if seconds else float("inf"),
        "ratio": seconds / baseline if baseline else float("inf"),
    }
