"""Small, consistent pieces of the OKR pages: status pills, confidence dots, values with units."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

register = template.Library()

STATUS_LABELS = {
    "on_track": _("On track"),
    "at_risk": _("At risk"),
    "off_track": _("Off track"),
    "done": _("Done"),
    "no_data": _("No check-in yet"),
}
STATUS_REASONS = {
    "ahead_of_pace": _("At or ahead of the straight-line pace for this period."),
    "near_pace": _("Slightly behind the straight-line pace, within 10 points."),
    "behind_pace": _("Behind the straight-line pace by 10 to 25 points."),
    "far_behind_pace": _("More than 25 points behind the straight-line pace."),
    "low_confidence": _("On pace, but the owner's confidence is low."),
    "no_data": _("Nothing measured yet."),
    "complete": _("The target is reached."),
    "no_period_confident": _("Ongoing objective; the owner is confident."),
    "no_period_unsure": _("Ongoing objective; the owner is not confident."),
    "inside_band": _("Inside the range it must stay in."),
    "just_outside_band": _("Just outside the range it must stay in."),
    "far_outside_band": _("Well outside the range it must stay in."),
    "forecast": _(
        "From the forecast: its chance of reaching the target by the end of the period "
        "(on track from 70 %, at risk from 40 %)."
    ),
}
CONFIDENCE_LABELS = {"low": _("low"), "medium": _("medium"), "high": _("high")}


@register.simple_tag
def status_pill(call: Any) -> SafeString:
    status = str(call.status)
    reason = STATUS_REASONS.get(call.reason, "")
    return format_html(
        '<span class="pill status-{}" title="{}">{}</span>', status, reason, STATUS_LABELS[status]
    )


@register.filter
def status_label(status: Any) -> str:
    return str(STATUS_LABELS.get(str(status), status))


@register.filter
def status_reason(call: Any) -> str:
    return str(STATUS_REASONS.get(call.reason, ""))


def _rate(value: float, unit: str) -> str:
    text = _number(abs(value))
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    per = "pp" if unit == "%" else unit
    return f"{sign}{text}\u00a0{per}".strip() if per else f"{sign}{text}"


@register.simple_tag
def forecast_explanation(forecast: Any, unit: str) -> str:
    """In plain words: "3 check-ins, trend +0.9 pp/month, needs +2.3 pp/month"."""
    parts = [
        ngettext("%(n)d check-in", "%(n)d check-ins", forecast.check_ins) % {"n": forecast.check_ins},
        _("trend %(rate)s/month") % {"rate": _rate(forecast.trend_per_month, unit)},
    ]
    if forecast.needed_per_month is None:
        parts.append(_("the target is reached"))
    elif forecast.needed_per_month == float("inf"):
        parts.append(_("no time left to reach the target"))
    else:
        parts.append(_("needs %(rate)s/month") % {"rate": _rate(forecast.needed_per_month, unit)})
    return ", ".join(str(p) for p in parts)


@register.simple_tag
def confidence(score: int | None, level: str | None) -> SafeString:
    if score is None:
        return format_html('<span class="confidence muted small">{}</span>', _("no confidence given"))
    filled = round(score / 2)
    dots = format_html_join(
        "", '<span class="dot{}"></span>', ((" on" if i < filled else "",) for i in range(5))
    )
    label = _("Confidence %(score)s of 10 (%(level)s)") % {
        "score": score,
        "level": CONFIDENCE_LABELS.get(level or "", ""),
    }
    return format_html(
        '<span class="confidence" title="{}"><span aria-hidden="true">{}</span><span class="visually-hidden">{}</span></span>',
        label,
        dots,
        label,
    )


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    decimals = 0 if float(value).is_integer() else (1 if abs(value) >= 10 else 2)
    text = number_format(round(value, decimals), decimal_pos=decimals, use_l10n=True)
    if decimals and "." not in text and "," not in text:
        return text
    return text.rstrip("0").rstrip(".,") if decimals else text


@register.filter
def num(value: float | None) -> str:
    return _number(value)


@register.filter
def with_unit(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    text = _number(value)
    if not unit:
        return text
    return f"{text}\u00a0{unit}" if unit not in {"%"} else f"{text}\u00a0%"


@register.simple_tag
def kr_current(kr: Any) -> str:
    if kr.kind == "boolean":
        if kr.current_value is None:
            return "—"
        return str(_("Done") if kr.current_value >= 0.5 else _("Not done"))
    if kr.kind == "milestone":
        return ""
    return with_unit(kr.current_value, kr.unit)


@register.simple_tag
def kr_goal(kr: Any) -> str:
    if kr.kind in ("increase", "decrease"):
        return f"{_number(kr.start)} → {with_unit(kr.target, kr.unit)}"
    if kr.kind == "range":
        return f"{_number(kr.low)}–{with_unit(kr.high, kr.unit)}"
    if kr.kind == "boolean":
        return str(_("done or not"))
    return str(_("milestones reached"))


@register.filter
def indent(depth: int) -> str:
    return f"tree-indent-{min(max(depth, 0), 6)}" if depth else ""


@register.filter
def percent(value: float) -> int:
    return round(value * 100)


@register.filter
def dashes(depth: int) -> str:
    return "— " * depth


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``mapping[key]`` in a template, or None."""
    return mapping.get(key) if mapping is not None else None


@register.filter
def sub(value: float, other: float) -> float:
    return float(value) - float(other)
