from __future__ import annotations

import re
from datetime import date

from northstar.core.lint.model import Context, Finding, KeyResultDraft, ObjectiveDraft, Rule, Severity
from northstar.core.lint.rules._examples import kr
from northstar.core.lint.rules._finding import on_key_result
from northstar.core.lint.text import gettext_noop

EXAMPLE_PERIOD = (date(2026, 10, 1), date(2026, 12, 31))
RULE = Rule(
    id="outside-period",
    severity=Severity.WARNING,
    scope="key_result",
    summary=gettext_noop("A date written in a key result falls inside its objective's period."),
    examples=(
        kr("en", True, "Churn below 2% by March 2027", start=3, target=2, unit="%", period=EXAMPLE_PERIOD),
        kr(
            "en", False, "Churn below 2% by December 2026", start=3, target=2, unit="%", period=EXAMPLE_PERIOD
        ),
        kr(
            "sv",
            True,
            "Kundbortfall under 2 % senast 31 mars 2027",
            start=3,
            target=2,
            unit="%",
            period=EXAMPLE_PERIOD,
        ),
        kr(
            "sv",
            False,
            "Kundbortfall under 2 % före årsskiftet",
            start=3,
            target=2,
            unit="%",
            period=EXAMPLE_PERIOD,
        ),
    ),
)

MONTHS = {
    **{m: i + 1 for i, m in enumerate("january february march april may june july august september october "
                                     "november december".split())},
    **{m: i + 1 for i, m in enumerate("januari februari mars april maj juni juli augusti september oktober "
                                     "november december".split())},
    **{m: i + 1 for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())},
    "okt": 10, "sept": 9,
}  # fmt: skip
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_ISO = re.compile(r"\b(20\d\d)-(\d\d)-(\d\d)\b")
_DAY_MONTH_YEAR = re.compile(
    rf"\b(?:(\d{{1,2}})(?:st|nd|rd|th)?\s+)?({_MONTH})\.?\s+(?:(\d{{1,2}})(?:st|nd|rd|th)?,?\s+)?(20\d\d)\b",
    re.I,
)
_YEAR_END = re.compile(r"\b(?:by|before|at|until)\s+(?:the\s+)?(?:year[- ]end|end of (?:the )?year)|före årsskiftet|"
                       r"innan årsskiftet|till årsskiftet|vid årsskiftet|vid årets slut|före årets slut|"
                       r"senast vid årsskiftet", re.I)  # fmt: skip


def _last_day(year: int, month: int) -> date:
    first_of_next = date(year + (month == 12), month % 12 + 1, 1)
    return date.fromordinal(first_of_next.toordinal() - 1)


def dates_in(text: str, period_start: date) -> list[tuple[date, int, int]]:
    """Deadlines written in the text, each as the last day it can mean (a month alone means its last day)."""
    found = []
    for m in _ISO.finditer(text):
        try:
            found.append((date(int(m[1]), int(m[2]), int(m[3])), m.start(), m.end()))
        except ValueError:
            continue
    for m in _DAY_MONTH_YEAR.finditer(text):
        day = m[1] or m[3]
        year, month = int(m[4]), MONTHS[m[2].lower()]
        try:
            found.append((date(year, month, int(day)) if day else _last_day(year, month), m.start(), m.end()))
        except ValueError:
            continue
    for m in _YEAR_END.finditer(text):
        found.append((date(period_start.year, 12, 31), m.start(), m.end()))
    return sorted(found, key=lambda f: f[1])


def outside(draft: KeyResultDraft, objective: ObjectiveDraft) -> tuple[date, int, int] | None:
    if objective.period is None:
        return None
    start, end = objective.period
    return next(((d, s, e) for d, s, e in dates_in(draft.title, start) if not start <= d <= end), None)


def check(draft: KeyResultDraft, context: Context) -> list[Finding]:
    found = outside(draft, context.objective)
    if found is None or context.objective.period is None:
        return []
    day, s, e = found
    start, end = context.objective.period
    message = gettext_noop("“%(date)s” falls outside the objective's period (%(start)s – %(end)s).")
    suggestion = gettext_noop(
        "Move the date inside the period, or the key result to the period it belongs to."
    )
    params = {"date": draft.title[s:e], "start": start.isoformat(), "end": end.isoformat()}
    return on_key_result(RULE, draft, context, "title", message, suggestion, params, (s, e))
