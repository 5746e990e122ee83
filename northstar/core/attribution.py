"""How much of a key result's movement follows the delivery of each piece of linked work.

The check-ins (all of them, equally weighted) are fitted with the forecast's model (``core.forecast.fit``): a
straight line plus a step at each delivery date. A delivery's estimated effect is its step, in the key
result's units, with the step's posterior standard deviation and an 80 % interval. Only work delivered by
"today" can be judged; a step with check-ins on one side only is estimated from the prior (its interval says
so by being wide). The prior expects a small help from each item in proportion to its contribution weight,
so the estimates are shrunk towards that when the data say little.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from northstar.core.forecast import EFFECT_MEAN, INTERVAL, Delivery, fit, position, student_t_ppf


@dataclass(frozen=True)
class Attribution:
    delivery: Delivery
    effect: (
        float  # the estimated step at the delivery, in the key result's units (signed: + is towards target)
    )
    sd: float
    low: float
    high: float
    check_ins_before: int
    check_ins_after: int


def attribute(
    check_ins: Sequence[tuple[date, float]],
    *,
    start_value: float,
    target: float,
    period_start: date,
    period_end: date,
    today: date,
    deliveries: Sequence[Delivery],
) -> list[Attribution]:
    """One Attribution per delivery made by ``today``, in the order given."""
    if target == start_value:
        raise ValueError("a key result whose target equals its start value has no direction")
    span = target - start_value
    seen = sorted((d, v) for d, v in check_ins if d <= today)
    delivered = [d for d in deliveries if d.day <= today]
    if not delivered:
        return []
    total = sum(max(0.0, d.weight) for d in delivered)
    shares = [len(delivered) * max(0.0, d.weight) / total if total else 1.0 for d in delivered]
    times = [position(d, period_start, period_end) for d, _v in seen]
    steps = [position(d.day, period_start, period_end) for d in delivered]
    result = fit(
        times, [(v - start_value) / span for _d, v in seen], steps, [EFFECT_MEAN * s for s in shares]
    )
    half = student_t_ppf(0.5 + INTERVAL / 2.0, 2.0 * result.a)
    out = []
    for k, delivery in enumerate(delivered):
        effect_u, sd_u = float(result.mean[2 + k]), result.sd(2 + k)
        effect = effect_u * abs(span)
        sd = sd_u * abs(span)
        out.append(
            Attribution(
                delivery=delivery,
                effect=effect,
                sd=sd,
                low=effect - half * sd,
                high=effect + half * sd,
                check_ins_before=sum(1 for d, _v in seen if d < delivery.day),
                check_ins_after=sum(1 for d, _v in seen if d >= delivery.day),
            )
        )
    return out
