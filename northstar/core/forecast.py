"""Where a numeric key result will end its period, and how likely it is to reach its target.

Values are measured in *progress units*: 0 is the key result's start value, 1 its target, whichever way the
number has to move (for a decrease, lower is better and still counts upwards). Time is measured in periods:
0 is the start of the period, 1 its end. The model, in those units, is

    u(τ) = level + slope · τ + Σ_k effect_k · [τ ≥ delivery_k] + noise

a straight line with a step wherever linked work is delivered, fitted to the check-ins by Bayesian linear
regression (normal-inverse-gamma prior). The prior keeps a few check-ins from saying too much:

* level ~ N(0, 0.15²·s): the number starts near its start value,
* slope ~ N(0.4, 1.0²·s): some movement is expected, with a wide spread,
* effect_k ~ N(0.12·w_k, 0.3²·s) for the work delivered at τ_k with contribution weight share w_k (its share
  of the weights of the work linked to the key result, times the number of such items): delivered work is
  expected to help a little, and the data say how much,
* noise variance σ² ~ InvGamma(2, 0.05²) — the check-ins' scatter around the line, and s = σ²/0.05².

Old check-ins count less than recent ones (weight halves every ``HALF_LIFE`` of a period), so a plateau or a
change of pace shows through. The forecast for the end of the period is the posterior predictive: a Student-t
whose centre, spread and degrees of freedom follow from the fit; work planned after today enters with its
prior effect. ``probability`` is that distribution's mass at or beyond the target, ``interval`` its central
80 %. ``status`` turns the probability into a call with documented cut-offs: at least ``ON_TRACK_FROM``
(0.7) on track, at least ``AT_RISK_FROM`` (0.4) at risk, below that off track.

``pace_probability`` is the baseline it is measured against: the straight-line pace call of ``core.pace``
read as a probability (on track 0.8, at risk 0.5, off track 0.2, done 0.95).

The numbers all come from the check-ins and the plan; nothing here reads a clock: "today" is passed in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from statistics import NormalDist
from typing import Any

import numpy as np

from northstar.core.pace import Status, expected_progress, status_for

ON_TRACK_FROM = 0.7
AT_RISK_FROM = 0.4
INTERVAL = 0.8
HALF_LIFE = 0.35  # in periods
RAMP_DAYS = (
    0  # days over which a delivery's effect builds up; 0 = a step (what the evidence supports, see bench)
)

LEVEL_SD = 0.15
SLOPE_MEAN = 0.4
SLOPE_SD = 1.0
EFFECT_MEAN = 0.12
EFFECT_SD = 0.3
NOISE_REF = 0.05
NOISE_A = 2.0

PACE_PROBABILITY = {
    Status.ON_TRACK: 0.8,
    Status.AT_RISK: 0.5,
    Status.OFF_TRACK: 0.2,
    Status.DONE: 0.95,
    Status.NO_DATA: 0.5,
}


@dataclass(frozen=True)
class Delivery:
    """Linked work: when it is (or was planned to be) delivered, and its contribution weight."""

    day: date
    weight: float = 1.0


@dataclass(frozen=True)
class Forecast:
    probability: float  # of reaching the target by the end of the period
    expected: float  # the end value, in the key result's units
    low: float  # the central 80 % interval of the end value
    high: float
    status: Status
    check_ins: int
    trend_per_month: float  # the fitted slope, in the key result's units per 30 days
    needed_per_month: float | None  # what it takes from now to reach the target; None when reached


def status_from_probability(probability: float) -> Status:
    if probability >= ON_TRACK_FROM:
        return Status.ON_TRACK
    if probability >= AT_RISK_FROM:
        return Status.AT_RISK
    return Status.OFF_TRACK


def pace_probability(
    start_value: float,
    target: float,
    current: float | None,
    period_start: date,
    period_end: date,
    today: date,
) -> float:
    """The straight-line pace call read as a probability (the baseline the forecast is measured against)."""
    if current is None or target == start_value:
        return PACE_PROBABILITY[Status.NO_DATA]
    progress = (current - start_value) / (target - start_value)
    return probability_of_pace(progress, expected_progress(period_start, period_end, today))


def probability_of_pace(progress: float, expected: float | None) -> float:
    """What the pace call for ``progress`` against ``expected`` progress says, read as a probability."""
    return PACE_PROBABILITY[status_for(progress, True, expected, None).status]


# --- Student-t distribution function (no SciPy): the regularised incomplete beta by continued fraction ------


def _betacf(a: float, b: float, x: float) -> float:
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c if abs(c) > tiny else 1.0 + aa / tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c if abs(c) > tiny else 1.0 + aa / tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-12:
            break
    return h


def _betainc(a: float, b: float, x: float) -> float:
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def student_t_cdf(t: float, dof: float) -> float:
    """P(T <= t) for Student's t with ``dof`` degrees of freedom."""
    if math.isinf(t):
        return 1.0 if t > 0 else 0.0
    x = dof / (dof + t * t)
    tail = 0.5 * _betainc(dof / 2.0, 0.5, x)
    return 1.0 - tail if t > 0 else tail


def student_t_pdf(t: float, dof: float) -> float:
    """The density of Student's t with ``dof`` degrees of freedom."""
    log_norm = math.lgamma((dof + 1.0) / 2.0) - math.lgamma(dof / 2.0) - 0.5 * math.log(dof * math.pi)
    return math.exp(log_norm - (dof + 1.0) / 2.0 * math.log1p(t * t / dof))


def student_t_ppf(p: float, dof: float) -> float:
    """The quantile of Student's t, within ±1000. Remembered by (p to 12 decimals, dof to 3): a forecast's
    degrees of freedom follow from its check-ins' weights, so two key results seldom share them."""
    return _ppf(round(p, 12), round(dof, 3))


@lru_cache(maxsize=8192)
def _ppf(p: float, dof: float) -> float:
    # Newton's method on the distribution function, from the normal quantile, inside a bracket that every step
    # narrows: where a step would leave the bracket, it is halved instead (the distribution function is
    # monotone, so this always converges). A handful of steps, where bisection alone took a hundred — and each
    # step costs one evaluation of the incomplete beta function.
    lo, hi = -1e3, 1e3
    x = min(max(NormalDist().inv_cdf(min(max(p, 1e-300), 1.0 - 1e-16)), lo), hi)
    for _ in range(200):
        below = student_t_cdf(x, dof) - p
        if below == 0.0:
            return x
        if below < 0.0:
            lo = x
        else:
            hi = x
        density = student_t_pdf(x, dof)
        step = x - below / density if density > 0.0 else (lo + hi) / 2.0
        if abs(step - x) <= 1e-10 * max(1.0, abs(x)):  # as close as the distribution function is exact
            return step
        if hi - lo <= 1e-10 * max(1.0, abs(x)):  # a quantile past ±1000, where the bracket ends
            return x
        x = step if lo < step < hi else (lo + hi) / 2.0
    return x


def _lgamma(x: np.ndarray) -> np.ndarray:
    return np.array([math.lgamma(v) for v in x.tolist()], dtype=float)


# Fewer elements than this are cheaper one at a time in plain floats: ``_betacf`` does the same operations in
# the same order, so the same bits.
FEW = 16


def _away_from_zero(v: np.ndarray) -> np.ndarray:
    return np.where(np.abs(v) > 1e-300, v, 1e-300)


def _betacf_all(a: np.ndarray, b: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The incomplete beta function's continued fraction (Lentz's method), element-wise: each element stops
    where it has converged, and the rest go on."""
    if len(x) < FEW:
        return np.array(
            [_betacf(*abx) for abx in zip(a.tolist(), b.tolist(), x.tolist(), strict=True)], dtype=float
        )
    out = np.empty_like(x)
    live = np.arange(len(x))
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = np.ones_like(x)
    d = 1.0 / _away_from_zero(1.0 - qab * x / qap)
    h = d.copy()
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 / _away_from_zero(1.0 + aa * d)
        c = 1.0 + aa / _away_from_zero(c)
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 / _away_from_zero(1.0 + aa * d)
        c = 1.0 + aa / _away_from_zero(c)
        delta = d * c
        h *= delta
        done = np.abs(delta - 1.0) < 1e-12
        if done.any():
            out[live[done]] = h[done]
            keep = ~done
            live, a, b, x, qab, qap, qam, c, d, h = (v[keep] for v in (live, a, b, x, qab, qap, qam, c, d, h))
            if not len(live):
                return out
    out[live] = h
    return out


def _betainc_all(a: np.ndarray, b: np.ndarray, x: np.ndarray, log_beta: np.ndarray) -> np.ndarray:
    """The regularised incomplete beta function I_x(a, b), element-wise; ``log_beta``: ln Γ(a+b) − ln Γ(a) −
    ln Γ(b)."""
    out = np.where(x <= 0.0, 0.0, 1.0)
    inside = np.flatnonzero((x > 0.0) & (x < 1.0))
    if not len(inside):
        return out
    a, b, x = a[inside], b[inside], x[inside]
    front = np.exp(log_beta[inside] + a * np.log(x) + b * np.log1p(-x))
    low = x < (a + 1.0) / (a + b + 2.0)
    result = np.empty_like(x)
    result[low] = front[low] * _betacf_all(a[low], b[low], x[low]) / a[low]
    high = ~low
    result[high] = 1.0 - front[high] * _betacf_all(b[high], a[high], 1.0 - x[high]) / b[high]
    out[inside] = result
    return out


@dataclass(frozen=True)
class _TConstants:
    """What Student's t functions need of the gamma function, for given degrees of freedom: worked out once
    for all the steps of a quantile's search."""

    log_beta: np.ndarray  # of the incomplete beta function at a = dof / 2, b = 1/2
    log_norm: np.ndarray  # of the density

    @classmethod
    def of(cls, dof: np.ndarray) -> _TConstants:
        half = dof / 2.0
        lgamma_half = _lgamma(half)
        return cls(
            _lgamma(half + 0.5) - lgamma_half - math.lgamma(0.5),
            _lgamma((dof + 1.0) / 2.0) - lgamma_half - 0.5 * np.log(dof * math.pi),
        )

    def __getitem__(self, keep: np.ndarray) -> _TConstants:
        return _TConstants(self.log_beta[keep], self.log_norm[keep])


def student_t_cdf_all(t: np.ndarray, dof: np.ndarray, constants: _TConstants | None = None) -> np.ndarray:
    """P(T <= t) for Student's t with ``dof`` degrees of freedom, element-wise."""
    constants = constants or _TConstants.of(dof)
    finite = np.isfinite(t)
    tf = np.where(finite, t, 0.0)
    x = dof / (dof + tf * tf)
    tail = 0.5 * _betainc_all(dof / 2.0, np.full_like(dof, 0.5), x, constants.log_beta)
    out = np.where(tf > 0, 1.0 - tail, tail)
    return np.where(finite, out, np.where(t > 0, 1.0, 0.0))


def student_t_pdf_all(t: np.ndarray, dof: np.ndarray, constants: _TConstants | None = None) -> np.ndarray:
    """The density of Student's t with ``dof`` degrees of freedom, element-wise."""
    constants = constants or _TConstants.of(dof)
    density: np.ndarray = np.exp(constants.log_norm - (dof + 1.0) / 2.0 * np.log1p(t * t / dof))
    return density


def student_t_ppf_all(p: float, dof: np.ndarray) -> np.ndarray:
    """The quantile ``p`` of Student's t for each of ``dof``, within ±1000."""
    # Newton's method on the distribution function, from the normal quantile, inside a bracket that every step
    # narrows: where a step would leave the bracket, it is halved instead (the distribution function is
    # monotone, so this always converges). A handful of steps, where bisection alone took a hundred.
    out = np.empty_like(dof)
    live = np.arange(len(dof))
    lo, hi = np.full_like(dof, -1e3), np.full_like(dof, 1e3)
    x = np.full_like(dof, min(max(NormalDist().inv_cdf(min(max(p, 1e-300), 1.0 - 1e-16)), -1e3), 1e3))
    constants = _TConstants.of(dof)
    for _ in range(200):
        if not len(live):
            return out
        below = student_t_cdf_all(x, dof, constants) - p
        lo = np.where(below < 0.0, x, lo)
        hi = np.where(below > 0.0, x, hi)
        density = student_t_pdf_all(x, dof, constants)
        safe = np.where(density > 0.0, density, 1.0)
        step = np.where(density > 0.0, x - below / safe, (lo + hi) / 2.0)
        tol = 1e-10 * np.maximum(1.0, np.abs(x))
        exact, converged, cornered = below == 0.0, np.abs(step - x) <= tol, hi - lo <= tol
        finished = exact | converged | cornered
        out[live[exact]] = x[exact]
        now = converged & ~exact
        out[live[now]] = step[now]
        now = cornered & ~exact & ~converged
        out[live[now]] = x[now]
        x = np.where((lo < step) & (step < hi), step, (lo + hi) / 2.0)
        keep = ~finished
        live, x, lo, hi, dof, constants = live[keep], x[keep], lo[keep], hi[keep], dof[keep], constants[keep]
    out[live] = x
    return out


# --- the fit -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fit:
    mean: np.ndarray  # posterior mean of (level, slope, effect_1, …)
    cov_unit: np.ndarray  # posterior covariance divided by the noise variance
    a: float  # inverse-gamma shape and scale of the noise variance
    b: float
    columns: int

    @property
    def noise_variance(self) -> float:
        return self.b / self.a

    def predictive(self, x: np.ndarray) -> tuple[float, float, float]:
        """Centre, scale and degrees of freedom of the Student-t for a new observation at ``x``."""
        centre = float(x @ self.mean)
        scale2 = self.noise_variance * (1.0 + float(x @ self.cov_unit @ x))
        return centre, math.sqrt(max(scale2, 1e-12)), 2.0 * self.a

    def sd(self, index: int) -> float:
        """The posterior standard deviation of one coefficient (its Student-t scale)."""
        return math.sqrt(self.noise_variance * float(self.cov_unit[index, index]))


def ramp(t: float, at: float, length: float) -> float:
    """How much of a delivery's effect shows at time ``t``: none before ``at``, all of it ``length`` later,
    growing in a straight line between (a plain step when ``length`` is 0)."""
    if t < at:
        return 0.0
    if length <= 0:
        return 1.0
    return min(1.0, (t - at) / length)


def _design(times: Sequence[float], steps: Sequence[float], length: float) -> np.ndarray:
    x = np.ones((len(times), 2 + len(steps)))
    x[:, 1] = times
    for k, at in enumerate(steps):
        x[:, 2 + k] = [ramp(t, at, length) for t in times]
    return x


def fit(
    times: Sequence[float],
    values: Sequence[float],
    steps: Sequence[float],
    step_means: Sequence[float],
    *,
    weights: Sequence[float] | None = None,
    ramp_length: float = 0.0,
) -> Fit:
    """Bayesian linear regression of ``values`` (progress units) on level, slope and one step per entry of
    ``steps`` (times in periods), with the module's prior; ``weights`` scale each check-in's say."""
    columns = 2 + len(steps)
    prior_mean = np.array([0.0, SLOPE_MEAN, *step_means])
    prior_sd = np.array([LEVEL_SD, SLOPE_SD, *([EFFECT_SD] * len(steps))]) / NOISE_REF
    precision0 = np.diag(1.0 / prior_sd**2)
    a0, b0 = NOISE_A, (NOISE_A - 1.0) * NOISE_REF**2  # so that the prior mean of σ² is NOISE_REF²
    if not times:
        return Fit(prior_mean, np.linalg.inv(precision0), a0, b0, columns)
    x = _design(times, steps, ramp_length)
    y = np.asarray(values, dtype=float)
    w = np.ones(len(times)) if weights is None else np.asarray(weights, dtype=float)
    xtw = x.T * w
    precision = precision0 + xtw @ x
    cov_unit = np.linalg.inv(precision)
    mean = cov_unit @ (precision0 @ prior_mean + xtw @ y)
    n_eff = float(w.sum())
    resid = float(y @ (w * y) + prior_mean @ precision0 @ prior_mean - mean @ precision @ mean)
    return Fit(mean, cov_unit, a0 + n_eff / 2.0, b0 + max(resid, 0.0) / 2.0, columns)


def position(day: date, start: date, end: date) -> float:
    """Where ``day`` falls in the period, 0 at its start and 1 at its end."""
    length = max(1, (end - start).days)
    return (day - start).days / length


def forecast(
    check_ins: Sequence[tuple[date, float]],
    *,
    start_value: float,
    target: float,
    period_start: date,
    period_end: date,
    today: date,
    deliveries: Sequence[Delivery] = (),
) -> Forecast:
    """The forecast for the end of the period from the check-ins up to ``today`` (later ones are ignored), for
    one key result: the model written out plainly. ``forecast_all`` makes the same forecasts for many at once
    (what pages use); a test holds the two together."""
    if target == start_value:
        raise ValueError("a key result whose target equals its start value has nothing to forecast")
    span = target - start_value
    # by day, a day's check-ins in the order given: the last is the current value
    seen = sorted(((d, v) for d, v in check_ins if d <= today and math.isfinite(v)), key=lambda dv: dv[0])
    times = [position(d, period_start, period_end) for d, _v in seen]
    values = [(v - start_value) / span for _d, v in seen]
    now = position(today, period_start, period_end)
    weights = [0.5 ** (max(0.0, now - t) / HALF_LIFE) for t in times]
    inside = [d for d in deliveries if d.day <= period_end]
    total = sum(max(0.0, d.weight) for d in inside)
    shares = [len(inside) * max(0.0, d.weight) / total if total else 1.0 for d in inside]
    steps = [position(d.day, period_start, period_end) for d in inside]
    length = RAMP_DAYS / max(1, (period_end - period_start).days)
    result = fit(times, values, steps, [EFFECT_MEAN * s for s in shares], weights=weights, ramp_length=length)
    x_end = np.array([1.0, 1.0, *(ramp(1.0, at, length) for at in steps)])
    centre, scale, dof = result.predictive(x_end)
    probability = 1.0 - student_t_cdf((1.0 - centre) / scale, dof)
    half = student_t_ppf(0.5 + INTERVAL / 2.0, dof) * scale
    lo_u, hi_u = centre - half, centre + half

    def to_value(u: float) -> float:
        return start_value + u * span

    low, high = sorted((to_value(lo_u), to_value(hi_u)))
    months = max(1.0, (period_end - period_start).days) / 30.0
    current_u = values[-1] if values else 0.0
    remaining_months = max(0.0, (period_end - today).days) / 30.0
    needed = None
    if current_u < 1.0:
        needed = (1.0 - current_u) * span / remaining_months if remaining_months > 0 else math.inf
    return Forecast(
        probability=min(1.0, max(0.0, probability)),
        expected=to_value(centre),
        low=low,
        high=high,
        status=status_from_probability(probability),
        check_ins=len(seen),
        trend_per_month=float(result.mean[1]) * span / months,
        needed_per_month=needed,
    )


# --- many forecasts at once ----------------------------------------------------------------------------------
#
# The dashboard and the OKR tree forecast every key result they show: 8,000 at medium scale, each a handful of
# check-ins and a small regression. One at a time, Python's overhead per forecast (arrays made, a matrix
# inverted, a quantile found by Newton's method) costs ten times the arithmetic. ``forecast_all`` runs the same
# model for all of them together: the check-ins of every key result in one set of columns, the normal equations
# summed per key result (``np.bincount``), the small matrices inverted as one stack, the Student-t functions
# evaluated element-wise. Each key result's answer is computed by the same operations in the same order whatever
# else is in the batch, so one key result forecast alone gets exactly the numbers it gets among thousands.


@dataclass(frozen=True)
class Case:
    """What one forecast is made from (see ``forecast``): check-ins as (day, value, …) in the order they were
    made (anything after the first two entries is ignored; of one day's, the last is the current value), the
    key result's start value and target, its period, and its linked work."""

    check_ins: Sequence[tuple[Any, ...]]
    start_value: float
    target: float
    period_start: date
    period_end: date
    deliveries: Sequence[Delivery] = ()


def _ramp_all(t: np.ndarray, at: np.ndarray, length: np.ndarray) -> np.ndarray:
    """``ramp`` element-wise."""
    with np.errstate(divide="ignore", invalid="ignore"):
        rising = np.minimum(1.0, (t - at) / np.where(length > 0, length, 1.0))
    return np.where(t < at, 0.0, np.where(length <= 0, 1.0, rising))


def _sums(rows: np.ndarray, weights: np.ndarray, cases: int) -> np.ndarray:
    """Per case, the sum of ``weights`` over its rows (in row order, so the same bits whatever the batch)."""
    return np.bincount(rows, weights=weights, minlength=cases)


@dataclass(frozen=True)
class _CheckIns:
    """The check-ins of all the cases seen by their day, in one set of columns, each case's oldest first."""

    case: np.ndarray  # whose
    times: np.ndarray  # in periods
    values: np.ndarray  # in progress units
    weights: np.ndarray
    counts: np.ndarray  # per case: how many
    latest: np.ndarray  # per case: the current value in progress units, 0 without any


def _check_ins(cases: Sequence[Case], as_of: np.ndarray, first: np.ndarray, days_long: np.ndarray,
               start: np.ndarray, span: np.ndarray) -> _CheckIns:  # fmt: skip
    n = len(cases)
    counts = np.fromiter((len(c.check_ins) for c in cases), dtype=np.int64, count=n)
    total = int(counts.sum())
    case = np.repeat(np.arange(n), counts)
    day = np.fromiter((ci[0].toordinal() for c in cases for ci in c.check_ins), dtype=float, count=total)
    value = np.fromiter((ci[1] for c in cases for ci in c.check_ins), dtype=float, count=total)
    seen = np.flatnonzero((day <= as_of[case]) & np.isfinite(value))
    seen = seen[np.lexsort((day[seen], case[seen]))]  # stable: a day's check-ins stay in their order
    case, day, value = case[seen], day[seen], value[seen]
    times = (day - first[case]) / days_long[case]
    values = (value - start[case]) / span[case]
    now = (as_of - first) / days_long
    weights = 0.5 ** (np.maximum(0.0, now[case] - times) / HALF_LIFE)
    counts = np.bincount(case, minlength=n)
    latest = np.zeros(n)
    has = counts > 0
    latest[has] = values[np.cumsum(counts)[has] - 1]
    return _CheckIns(case, times, values, weights, counts, latest)


def _steps(
    cases: Sequence[Case], inside: list[list[Delivery]], members: list[int], k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Where in the period each member's ``k`` deliveries (``inside`` it) fall, and each one's share of their
    weight."""
    at, shares = np.zeros((len(members), k)), np.ones((len(members), k))
    for i, j in enumerate(members):
        case, work = cases[j], inside[j]
        weight_sum = sum(max(0.0, d.weight) for d in work)
        for s, d in enumerate(work):
            at[i, s] = position(d.day, case.period_start, case.period_end)
            if weight_sum:
                shares[i, s] = len(work) * max(0.0, d.weight) / weight_sum
    return at, shares


@dataclass(frozen=True)
class _Predicted:
    """Per case: the Student-t of the end value (progress units), and the fitted slope."""

    centre: np.ndarray
    spread: np.ndarray
    dof: np.ndarray
    slope: np.ndarray


def _predict(cases: Sequence[Case], seen: _CheckIns, ramp_length: np.ndarray) -> _Predicted:
    """``fit`` and ``Fit.predictive`` at the period's end for every case, one stack of regressions per number
    of steps (deliveries inside the period)."""
    n = len(cases)
    inside = [[d for d in c.deliveries if d.day <= c.period_end] for c in cases]
    steps_of = np.array([len(work) for work in inside])
    centre, spread, a_post, slope = np.empty(n), np.empty(n), np.empty(n), np.empty(n)
    a0, b0 = NOISE_A, (NOISE_A - 1.0) * NOISE_REF**2
    for k in np.unique(steps_of).tolist():
        members = np.flatnonzero(steps_of == k)
        m, columns = len(members), 2 + k
        local = np.full(n, -1)
        local[members] = np.arange(m)
        rows = np.flatnonzero(local[seen.case] >= 0)
        g = local[seen.case[rows]]
        t, y, w = seen.times[rows], seen.values[rows], seen.weights[rows]
        at, shares = _steps(cases, inside, members.tolist(), k)
        length = ramp_length[members]
        x = [np.ones(len(rows)), t] + [_ramp_all(t, at[g, s], length[g]) for s in range(k)]
        prior_mean = np.concatenate(
            [np.zeros((m, 1)), np.full((m, 1), SLOPE_MEAN), EFFECT_MEAN * shares], axis=1
        )
        prior_sd = np.array([LEVEL_SD, SLOPE_SD, *([EFFECT_SD] * k)]) / NOISE_REF
        precision0 = 1.0 / prior_sd**2
        precision = np.zeros((m, columns, columns))
        for r in range(columns):
            xw = x[r] * w
            for s in range(r, columns):
                precision[:, r, s] = precision[:, s, r] = _sums(g, xw * x[s], m)
            precision[:, r, r] += precision0[r]
        rhs = precision0 * prior_mean + np.stack([_sums(g, x[r] * w * y, m) for r in range(columns)], axis=1)
        cov_unit = np.linalg.inv(precision)
        fitted = (cov_unit @ rhs[:, :, None])[:, :, 0]
        explained = (fitted[:, None, :] @ precision @ fitted[:, :, None])[:, 0, 0]
        prior_part = (prior_mean[:, None, :] * precision0 @ prior_mean[:, :, None])[:, 0, 0]
        resid = _sums(g, y * (w * y), m) + prior_part - explained
        a = a0 + _sums(g, w, m) / 2.0
        b = b0 + np.maximum(resid, 0.0) / 2.0
        x_end = np.concatenate([np.ones((m, 2)), _ramp_all(np.ones((m, k)), at, length[:, None])], axis=1)
        centre[members] = (x_end[:, None, :] @ fitted[:, :, None])[:, 0, 0]
        quad = (x_end[:, None, :] @ cov_unit @ x_end[:, :, None])[:, 0, 0]
        spread[members] = np.sqrt(np.maximum(b / a * (1.0 + quad), 1e-12))
        a_post[members] = a
        slope[members] = fitted[:, 1]
    return _Predicted(centre, spread, 2.0 * a_post, slope)


def forecast_all(cases: Sequence[Case], today: date | Sequence[date]) -> list[Forecast]:
    """``forecast`` for each of ``cases``, computed together (the same model; see the section's comment), as of
    ``today`` — one day for all, or each case's own."""
    n = len(cases)
    if not n:
        return []
    if any(c.target == c.start_value for c in cases):
        raise ValueError("a key result whose target equals its start value has nothing to forecast")
    as_of = (
        np.full(n, float(today.toordinal()))
        if isinstance(today, date)
        else np.array([d.toordinal() for d in today], dtype=float)
    )
    if len(as_of) != n:
        raise ValueError("one day for all the cases, or one for each")
    start = np.array([c.start_value for c in cases], dtype=float)
    span = np.array([c.target - c.start_value for c in cases], dtype=float)
    first = np.array([c.period_start.toordinal() for c in cases], dtype=float)
    last = np.array([c.period_end.toordinal() for c in cases], dtype=float)
    days_long = np.maximum(1.0, last - first)
    seen = _check_ins(cases, as_of, first, days_long, start, span)
    predicted = _predict(cases, seen, RAMP_DAYS / days_long)
    probability = 1.0 - student_t_cdf_all((1.0 - predicted.centre) / predicted.spread, predicted.dof)
    half = student_t_ppf_all(0.5 + INTERVAL / 2.0, predicted.dof) * predicted.spread
    low_end = start + (predicted.centre - half) * span
    high_end = start + (predicted.centre + half) * span
    out = []
    for p, expected, lo, hi, checks, slope, current, left, size, months in zip(
        probability.tolist(), (start + predicted.centre * span).tolist(), low_end.tolist(), high_end.tolist(),
        seen.counts.tolist(), predicted.slope.tolist(), seen.latest.tolist(),
        (np.maximum(0.0, last - as_of) / 30.0).tolist(), span.tolist(), (days_long / 30.0).tolist(), strict=True,
    ):  # fmt: skip
        needed = None
        if current < 1.0:
            needed = (1.0 - current) * size / left if left > 0 else math.inf
        out.append(
            Forecast(
                probability=min(1.0, max(0.0, p)),
                expected=expected,
                low=min(lo, hi),
                high=max(lo, hi),
                status=status_from_probability(p),
                check_ins=checks,
                trend_per_month=slope * size / months,
                needed_per_month=needed,
            )
        )
    return out
