"""Rewrite patterns for an output key result, chosen by what it is about (in either language)."""

from __future__ import annotations

import re

from northstar.core.lint.text import gettext_noop

TOPICS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("outage", "incident", "downtime", "retrospective", "postmortem", "post-mortem", "monitoring", "alert",
         "on-call", "avbrott", "driftstörning", "störning", "övervakning", "larm", "jour", "uptime", "upptid"),
        gettext_noop("Measure what it should change, from where to where: for example “Cut mean time to "
                     "recovery from N to M minutes” or “Raise monthly uptime from 99.5% to 99.9%”."),
    ),
    (
        ("release", "feature", "roadmap", "communicat", "announce", "releaseplan", "funktion", "kommunicer",
         "lanseringsplan"),
        gettext_noop("Measure what it should change, from where to where: for example “Cut support tickets "
                     "about unannounced changes from N to M a month” or “Raise the share of customers using "
                     "the new features from N% to M%”."),
    ),
    (
        ("onboarding", "sign-up", "signup", "activation", "introduktion", "registrering", "aktivering"),
        gettext_noop("Measure what it should change, from where to where: for example “Raise the share of "
                     "new sign-ups active in their first week from N% to M%”."),
    ),
    (
        ("blog", "post", "campaign", "newsletter", "webinar", "content", "seo", "social", "kampanj",
         "nyhetsbrev", "blogg", "inlägg", "annons", "advert"),
        gettext_noop("Measure what it should change, from where to where: for example “Grow qualified leads "
                     "from N to M a month” or “Raise the newsletter's click rate from N% to M%”."),
    ),
    (
        ("train", "course", "workshop", "education", "utbild", "kurs", "coach"),
        gettext_noop("Measure what it should change, from where to where: for example “Raise the share of "
                     "staff who pass the assessment from N% to M%” or “Cut handling errors from N to M a "
                     "month”."),
    ),
    (
        ("hire", "hiring", "recruit", "rekryt", "anställ", "talent"),
        gettext_noop("Measure what it should change, from where to where: for example “Cut time to hire from "
                     "N to M days” or “Keep first-year retention of new hires above N%”."),
    ),
    (
        ("support", "chatbot", "chattbot", "faq", "helpdesk", "ticket", "kundtjänst", "ärende", "chatt",
         "help centre", "help center"),
        gettext_noop("Measure what it should change, from where to where: for example “Cut median first "
                     "response time from N to M minutes” or “Raise CSAT from N% to M%”."),
    ),
    (
        ("test", "pipeline", "deploy", "refactor", "migrat", "platform", "system", "infrastructure", "cloud",
         "migrer", "plattform", "server", "databas", "database", "crm", "erp"),
        gettext_noop("Measure what it should change, from where to where: for example “Cut the change "
                     "failure rate from N% to M%” or “Cut the cost per transaction from N to M”."),
    ),
    (
        ("survey", "interview", "feedback", "enkät", "intervju", "research", "undersök"),
        gettext_noop("Measure what it should change, from where to where: for example “Raise NPS from N to "
                     "M” or “Cut the share of customers who cancel in their first month from N% to M%”."),
    ),
    (
        ("partner", "sales", "deal", "demo", "sälj", "försälj", "avtal", "pitch"),
        gettext_noop("Measure what it should change, from where to where: for example “Grow revenue from new "
                     "partners from N to M” or “Raise the win rate of qualified deals from N% to M%”."),
    ),
)  # fmt: skip

DEFAULT = gettext_noop(
    "Measure what it should change, for whom, from where to where: “Raise <metric> from <today's value> to "
    "<target> by <date>”."
)


_PATTERNS = tuple(
    (re.compile("|".join(re.escape(s) for s in stems)), suggestion) for stems, suggestion in TOPICS
)


def rewrite_pattern(text: str) -> str:
    low = text.lower()
    return next((suggestion for pattern, suggestion in _PATTERNS if pattern.search(low)), DEFAULT)
