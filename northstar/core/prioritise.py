"""Backlog prioritisation: how much an item serves the goals (strategic score), classic RICE and WSJF
scores, and a ranking that blends the two."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from northstar.core.output import Link


def _check(value: float, what: str) -> None:
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{what} must be a finite number >= 0, got {value!r}")


def kr_shares(kr_weight: Mapping[int, float], kr_objective: Mapping[int, int]) -> dict[int, float]:
    """Each key result's weight / the sum of the weights of its objective's key results (0 when that is 0)."""
    totals: dict[int, list[float]] = {}
    for kr, weight in kr_weight.items():
        _check(weight, f"weight of key result {kr}")
        totals.setdefault(kr_objective[kr], []).append(weight)
    sums = {objective: math.fsum(ws) for objective, ws in totals.items()}
    return {
        kr: (w / sums[kr_objective[kr]] if sums[kr_objective[kr]] > 0 else 0.0) for kr, w in kr_weight.items()
    }


def objective_weights(weights: Mapping[int, float], parents: Mapping[int, Sequence[int]]) -> dict[int, float]:
    """Each objective's weight times the largest effective weight among its parents.

    Objectives without parents among ``weights`` keep their own weight. An edge back to an objective still
    being worked out closes a cycle and is skipped, so in bad data the result depends on where the walk
    entered the cycle, but it always ends (iterative, so deep trees are fine too).
    """
    for oid, weight in weights.items():
        _check(weight, f"weight of objective {oid}")
    done: dict[int, float] = {}
    for root in weights:
        if root in done:
            continue
        on_path = {root}
        stack: list[tuple[int, Iterator[int]]] = [(root, iter(parents.get(root, ())))]
        while stack:
            node, pending = stack[-1]
            for parent in pending:
                if parent in weights and parent not in done and parent not in on_path:
                    on_path.add(parent)
                    stack.append((parent, iter(parents.get(parent, ()))))
                    break
            else:
                stack.pop()
                on_path.discard(node)
                above = [done[p] for p in parents.get(node, ()) if p in done]
                done[node] = weights[node] * max(above) if above else weights[node]
    return {oid: done[oid] for oid in weights}


@dataclass(frozen=True)
class ScoreTerm:
    link: Link
    link_weight: float
    kr_share: float
    objective_weight: float
    value: float  # link_weight × kr_share × objective_weight


@dataclass(frozen=True)
class StrategicScore:
    value: float
    terms: tuple[ScoreTerm, ...]
    reason: str  # "no_link" when the item serves no visible key result or objective, else "linked"


def strategic_score(
    links: Sequence[Link],
    kr_share: Mapping[int, float],
    kr_objective: Mapping[int, int],
    objective_weight: Mapping[int, float],
) -> StrategicScore:
    """Sum over the item's links of link weight × the key result's share of its objective × the objective's
    effective weight (`objective_weights`). A link to a whole objective has share 1. Links to key results or
    objectives missing from the maps (not visible to the viewer) contribute nothing and get no term; a
    visible link of weight 0 gets a term worth 0, and the reason stays "linked".
    """
    terms: list[ScoreTerm] = []
    for link in links:
        _check(link.weight, f"weight of the link to {link.target}")
        kind, target = link.target
        if kind == "kr":
            if target not in kr_share or kr_objective.get(target) not in objective_weight:
                continue
            share, objective = kr_share[target], kr_objective[target]
        elif kind == "objective" and target in objective_weight:
            share, objective = 1.0, target
        else:
            continue
        weight = objective_weight[objective]
        _check(share, f"share of key result {target}")
        _check(weight, f"weight of objective {objective}")
        terms.append(ScoreTerm(link, link.weight, share, weight, link.weight * share * weight))
    value = math.fsum(t.value for t in terms)
    return StrategicScore(value=value, terms=tuple(terms), reason="linked" if terms else "no_link")


def rice(reach: float, impact: float, confidence: float, effort: float) -> float:
    """Reach × impact × confidence / effort."""
    if not effort > 0:
        raise ValueError(f"effort must be > 0, got {effort!r}")
    return reach * impact * confidence / effort


def wsjf(cost_of_delay: float, job_size: float) -> float:
    """Weighted shortest job first: cost of delay / job size."""
    if not job_size > 0:
        raise ValueError(f"job size must be > 0, got {job_size!r}")
    return cost_of_delay / job_size


@dataclass(frozen=True)
class Ranked:
    id: int
    strategic: float
    classic: float | None
    combined: float
    reason: str  # "no_link" for items with strategic score 0, else the score's reason


def rank_backlog(
    items: Sequence[tuple[int, StrategicScore, float | None]], *, blend: float = 0.5
) -> list[Ranked]:
    """Rank (id, strategic score, classic score such as RICE or WSJF) rows, best first.

    Each score is normalised by its maximum in the backlog (0 when that maximum is 0)::

        combined = blend × strategic / max strategic + (1 − blend) × classic / max classic

    where an item without a classic score counts 0 for it. Items with a strategic score of 0 serve no goal:
    they come after every item with a positive one, whatever their classic score, with reason "no_link".
    Within each group the higher combined score goes first, and the smaller id on a tie.
    """
    if not 0 <= blend <= 1:
        raise ValueError(f"blend must be between 0 and 1, got {blend!r}")
    for item_id, score, classic in items:
        _check(score.value, f"strategic score of item {item_id}")
        if classic is not None:
            _check(classic, f"classic score of item {item_id}")
    top_strategic = max((score.value for _, score, _ in items), default=0.0)
    top_classic = max((c for _, _, c in items if c is not None), default=0.0)

    ranked: list[Ranked] = []
    for item_id, score, classic in items:
        strategic_norm = score.value / top_strategic if top_strategic > 0 else 0.0
        classic_norm = classic / top_classic if classic is not None and top_classic > 0 else 0.0
        combined = blend * strategic_norm + (1 - blend) * classic_norm
        reason = score.reason if score.value > 0 else "no_link"
        ranked.append(Ranked(item_id, score.value, classic, combined, reason))
    ranked.sort(key=lambda r: (r.strategic <= 0, -r.combined, r.id))
    return ranked
