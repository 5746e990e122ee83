"""Strategic and classic scores of every work item, and the ranked backlog of a team — in a fixed number of queries.

The maths lives in `core.prioritise`; this module loads the rows once (six queries, whatever the number of items)
and shapes the answer for the backlog page, the API and the CLI.

- **Strategic score** of an item: the sum over the key results (or whole objectives) it serves — its own links, or
  else those of its nearest parent — of link weight × the key result's share of its objective's key result
  weights × the objective's effective weight (its weight times the largest effective weight among the objectives
  it aligns to). Only active objectives the actor can see count.
- **Classic score**, as the workspace chooses: RICE = reach × impact × confidence ÷ effort (the estimate in
  person-days), WSJF = cost of delay ÷ job size; none when an input is missing or the workspace uses neither.
- **Combined** (`COMBINED_FORMULA`): both scores divided by their maximum in the backlog, blended half and half
  (only the strategic score when the workspace uses no classic score). Work that serves no key result comes last.

A team's backlog holds the open work (not done, not cancelled) of the team and its sub-teams.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from northstar.core.output import Link, effective_links
from northstar.core.prioritise import (
    Ranked,
    ScoreTerm,
    StrategicScore,
    kr_shares,
    objective_weights,
    rank_backlog,
    rice,
    strategic_score,
    wsjf,
)
from northstar.okrs.models import Alignment, KeyResult, Objective, ObjectiveStatus
from northstar.okrs.queries import team_tree
from northstar.roadmap.models import Contribution, WorkItem, WorkItemStatus
from northstar.roadmap.queries import Roadmap
from northstar.workspaces.models import Team
from northstar.workspaces.permissions import Actor

CLOSED = (WorkItemStatus.DONE, WorkItemStatus.CANCELLED)
BLEND = 0.5  # the strategic score's part of the combined score when there is a classic score
METHODS = ("none", "rice", "wsjf")

COMBINED_FORMULA = gettext_lazy(
    "Combined = ½ × strategic score ÷ the highest strategic score in the backlog + ½ × classic score ÷ the "
    "highest classic score in the backlog (an item without a classic score counts 0 for it; when the workspace "
    "uses no classic score, combined = strategic ÷ highest strategic). Work that serves no key result comes last, "
    "whatever its classic score."
)
STRATEGIC_FORMULA = gettext_lazy(
    "Strategic score = the sum over the key results an item serves of link weight × the key result's share of "
    "its objective's key result weights × the objective's weight along the alignment tree."
)


@dataclass(frozen=True)
class TermLine:
    """One term of a strategic score, with the names of what it serves."""

    term: ScoreTerm
    key_result: int | None
    objective: int
    key_result_title: str
    objective_title: str

    @property
    def target_title(self) -> str:
        return self.key_result_title or self.objective_title

    @property
    def explanation(self) -> str:
        """ "link 0.7 × KR share 0.4 × objective weight 1.0 = 0.28", in the request's language."""
        t = self.term
        if self.key_result is None:
            text = _("link %(link)s × whole objective × objective weight %(weight)s = %(value)s")
        else:
            text = _("link %(link)s × KR share %(share)s × objective weight %(weight)s = %(value)s")
        return text % {
            "link": decimal(t.link_weight),
            "share": decimal(t.kr_share),
            "weight": decimal(t.objective_weight),
            "value": decimal(t.value),
        }


@dataclass
class ScoredItem:
    item: WorkItem
    score: StrategicScore
    classic: float | None
    terms: list[TermLine]
    inherited: bool  # the links are the parent item's

    @property
    def linked(self) -> bool:
        return self.score.reason != "no_link"

    @property
    def explanation(self) -> str:
        """All terms in one line, for a title attribute."""
        if not self.terms:
            return _("Serves no key result: strategic score 0.")
        parts = [line.explanation for line in self.terms]
        if len(parts) == 1:
            return parts[0]
        return "; ".join(parts) + " → " + _("total %(value)s") % {"value": decimal(self.score.value)}


@dataclass
class BacklogRow:
    rank: int
    scored: ScoredItem
    ranked: Ranked

    @property
    def item(self) -> WorkItem:
        return self.scored.item

    @property
    def deprioritised(self) -> bool:
        return self.ranked.reason == "no_link"


@dataclass
class Scores:
    method: str  # "none" | "rice" | "wsjf"
    blend: float
    teams: list[tuple[Team, int]]  # the workspace's teams in tree order, with depth
    items: dict[int, ScoredItem]
    children: dict[int | None, list[int]] = field(default_factory=dict)  # team tree

    @property
    def method_label(self) -> str:
        return {"rice": "RICE", "wsjf": "WSJF"}.get(self.method, "")

    def team(self, team_id: int) -> Team | None:
        return next((t for t, _depth in self.teams if t.pk == team_id), None)

    def subtree(self, team_id: int) -> set[int]:
        found, stack = set(), [team_id]
        while stack:
            node = stack.pop()
            if node not in found:
                found.add(node)
                stack.extend(self.children.get(node, ()))
        return found

    def backlog(self, team_id: int | None) -> list[BacklogRow]:
        """The open work of a team and its sub-teams (every team when None), best first."""
        teams = self.subtree(team_id) if team_id is not None else None
        rows = [
            s
            for s in self.items.values()
            if s.item.status not in CLOSED and (teams is None or s.item.team_id in teams)
        ]
        by_id = {s.item.pk: s for s in rows}
        ranked = rank_backlog([(s.item.pk, s.score, s.classic) for s in rows], blend=self.blend)
        return [BacklogRow(rank, by_id[r.id], r) for rank, r in enumerate(ranked, start=1)]


def decimal(value: float) -> str:
    """Two decimals at most, one at least: 0.7, 0.33, 1.0 — with the locale's decimal mark."""
    rounded = round(value, 2)
    places = 1 if round(rounded, 1) == rounded else 2
    return number_format(rounded, decimal_pos=places, use_l10n=True)


def classic_score(item: WorkItem, method: str) -> float | None:
    """RICE (effort = the estimate in person-days) or WSJF; None when the workspace uses neither or an input is
    missing (or the effort or job size is 0)."""
    if method == "rice":
        inputs = (item.reach, item.impact, item.confidence, item.estimate_days)
        if any(v is None for v in inputs) or not item.estimate_days:
            return None
        return rice(item.reach, item.impact, item.confidence, item.estimate_days)  # type: ignore[arg-type]
    if method == "wsjf":
        if item.cost_of_delay is None or not item.job_size:
            return None
        return wsjf(item.cost_of_delay, item.job_size)
    return None


def load_scores(actor: Actor, rm: Roadmap | None = None) -> Scores:
    """Every visible work item's strategic and classic score, in six queries — none when ``rm``, the actor's
    roadmap, is given and has them: they depend only on what moves the plan revision (work, links, objectives,
    key results' weights, alignments, teams, the workspace's method), so they are kept with it."""
    if rm is not None:
        return rm.derived(("scores",), lambda: _scores(actor))
    return _scores(actor)


def _scores(actor: Actor) -> Scores:
    method = actor.workspace.classic_score if actor.workspace.classic_score in METHODS else "none"
    work = list(WorkItem.objects.restrict(actor).select_related("team").order_by("position", "id"))
    links = Contribution.objects.restrict(actor).values_list(
        "work_item_id", "key_result_id", "objective_id", "weight"
    )
    objectives = {
        pk: (weight, title)
        for pk, weight, title in Objective.objects.restrict(actor)
        .filter(status=ObjectiveStatus.ACTIVE)
        .values_list("pk", "weight", "title")
    }
    parents: dict[int, list[int]] = defaultdict(list)
    for child, parent in Alignment.objects.restrict(actor).values_list("child_id", "parent_id"):
        if child in objectives and parent in objectives:
            parents[child].append(parent)
    key_results = {
        pk: (objective, weight, title)
        for pk, objective, weight, title in KeyResult.objects.restrict(actor)
        .filter(objective__status=ObjectiveStatus.ACTIVE)
        .values_list("pk", "objective_id", "weight", "title")
        if objective in objectives
    }
    teams = list(Team.objects.restrict(actor))

    kr_objective = {pk: objective for pk, (objective, _w, _t) in key_results.items()}
    shares = kr_shares({pk: max(w, 0.0) for pk, (_o, w, _t) in key_results.items()}, kr_objective)
    effective_weight = objective_weights({pk: max(w, 0.0) for pk, (w, _t) in objectives.items()}, parents)

    own: dict[int, list[Link]] = defaultdict(list)
    for item_id, kr_id, objective_id, weight in links:
        target = ("kr", kr_id) if kr_id else ("objective", objective_id)
        own[item_id].append(Link(target=target, weight=max(weight, 0.0)))
    effective = effective_links({w.pk: w.parent_id for w in work}, own)

    items: dict[int, ScoredItem] = {}
    for w in work:
        item_links = effective.get(w.pk, ())
        score = strategic_score(item_links, shares, kr_objective, effective_weight)
        terms = []
        for term in score.terms:
            kind, target = term.link.target
            if kind == "kr":
                objective, _weight, kr_title = key_results[target]
                terms.append(TermLine(term, target, objective, kr_title, objectives[objective][1]))
            else:
                terms.append(TermLine(term, None, target, "", objectives[target][1]))
        items[w.pk] = ScoredItem(
            item=w,
            score=score,
            classic=classic_score(w, method),
            terms=terms,
            inherited=bool(item_links) and not own.get(w.pk),
        )

    children: dict[int | None, list[int]] = defaultdict(list)
    for t in teams:
        children[t.parent_id].append(t.pk)
    return Scores(
        method=method,
        blend=BLEND if method != "none" else 1.0,
        teams=team_tree(teams),
        items=items,
        children=dict(children),
    )


__all__ = [
    "COMBINED_FORMULA",
    "STRATEGIC_FORMULA",
    "BacklogRow",
    "ScoredItem",
    "Scores",
    "TermLine",
    "classic_score",
    "load_scores",
]
