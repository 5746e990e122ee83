"""The choices of pick fields among many rows (a work item's predecessor and parent, the key result it serves, a
scenario's changes, the roadmap list's filters, the objectives an objective aligns to): a few shown, the rest
found by a search of their titles, any row the viewer sees accepted — so that a page never lists a workspace's
100,000 work items, 80,000 key results or 20,000 objectives."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.forms import BoundField
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from northstar.okrs.models import KeyResult, Objective
from northstar.okrs.queries import team_order, workspace_people
from northstar.roadmap.models import WorkItem, WorkItemKind, WorkItemStatus
from northstar.workspaces.forms import MultiPickField, PickField, SearchSelect, with_query
from northstar.workspaces.permissions import Actor
from northstar.workspaces.web import int_param

PICK_SHOWN = 50  # choices a pick field's select holds at a time
# a field's name or id, as a search's address may give it
HTML_NAME = re.compile(r"[A-Za-z][\w-]{0,79}", re.ASCII)
Choices = list[tuple[Any, Any]]


def options_html(choices: Choices) -> SafeString:
    """The ``<option>``s (and ``<optgroup>``s) of a select, as the search answers them."""
    parts = []
    for value, label in choices:
        if isinstance(label, list | tuple):
            inner = format_html_join("", '<option value="{}">{}</option>', label)
            parts.append(format_html('<optgroup label="{}">{}</optgroup>', value, inner))
        else:
            parts.append(format_html('<option value="{}">{}</option>', value, label))
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped by format_html


class Picker:
    """What one kind of pick field offers: its first choices, the check of an answer and the search's address."""

    url_name = ""
    by_name = False  # found by name (teams, people), not by title

    def exists(self, pk: int) -> bool:
        raise NotImplementedError

    def choices(self, query: str = "", chosen: int | None = None) -> Choices:
        raise NotImplementedError

    def query(self) -> dict[str, str]:
        return {}

    def url(self) -> str:
        return with_query(reverse(self.url_name), **self.query())

    def render(self, name: str, widget_id: str, chosen: Any) -> str:
        """The pick field alone, for a filter form written by hand (``?name=``, no form class): safe HTML."""
        widget = SearchSelect(
            search_url=self.url(), choices=self.choices(chosen=chosen), by_name=self.by_name
        )
        return widget.render(name, chosen, {"id": widget_id})

    def searched_by(self, widget: Any) -> None:
        """Point a pick widget (``SearchSelect``, ``MultiPick``) at this picker's search."""
        widget.search_url = self.url()
        widget.by_name = self.by_name

    def attach(self, bound: BoundField) -> None:
        """Give the pick field of ``bound`` its first choices (with the one it holds: sent back, or the form's
        initial one), its check and the address of its search."""
        field: PickField = bound.field  # type: ignore[assignment]
        field.exists = self.exists
        field.choices = self.choices(chosen=int_param(bound.value()))
        self.searched_by(field.widget)


class FewOrFound(Picker):
    """Rows of which a workspace may have a few or thousands (teams, people): while all of them fit in the select
    (PICK_SHOWN), it holds them all and has no search box; past that, the first of them and a search."""

    by_name = True
    none = ""  # the choice of none, a NONE_LABELS name; "" for a field that needs one

    @functools.cached_property
    def every(self) -> list[tuple[int, str, str]]:
        """(id, label, what a search looks in) of every row, in the order the select shows them (read once)."""
        return self.rows()

    def rows(self) -> list[tuple[int, str, str]]:
        raise NotImplementedError

    def exists(self, pk: int) -> bool:
        return pk in self.existing({pk})

    def empty(self) -> list[tuple[Any, Any]]:
        return [NONE_LABELS[self.none]] if self.none else []

    def query(self) -> dict[str, str]:
        return {"none": self.none} if self.none else {}

    def choices(self, query: str = "", chosen: int | None = None) -> Choices:
        shown = self.found(query)
        if chosen is not None and chosen not in {pk for pk, _label in shown}:
            shown = self.titles([chosen]) + shown
        return [*self.empty(), *shown]

    def found(self, query: str, chosen: Collection[int] = ()) -> list[tuple[int, str]]:
        """The first rows whose words hold ``query``, but those ``chosen`` already."""
        wanted = query.casefold()
        rows = (row for row in self.every if wanted in row[2] and row[0] not in chosen)
        return [(pk, label) for pk, label, _words in itertools.islice(rows, PICK_SHOWN)]

    def titles(self, pks: Collection[int]) -> list[tuple[int, str]]:
        return [(pk, label) for pk, label, _words in self.every if pk in pks]

    def existing(self, pks: set[int]) -> set[int]:
        return pks & {row[0] for row in self.every}

    def few(self) -> bool:
        return len(self.every) <= PICK_SHOWN

    def url(self) -> str:
        return "" if self.few() else super().url()

    def attach_many(self, bound: BoundField) -> None:
        """Give the multiple pick field of ``bound`` its boxes — every row while they fit, else those it holds —
        its check and the address of its search."""
        field: MultiPickField = bound.field  # type: ignore[assignment]
        field.existing = self.existing
        chosen = ids_of(bound.value() or ())
        field.choices = (
            [(pk, label) for pk, label, _words in self.every] if self.few() else self.titles(chosen)
        )
        self.searched_by(field.widget)


# what a team or person pick field offers for none — its value and label — by the name its search address gives
NONE_LABELS: dict[str, tuple[str, Any]] = {
    "all-teams": ("", gettext_lazy("All teams")),
    "every-team": ("all", gettext_lazy("All teams")),  # the backlog's: no team would be the viewer's own
    "company": ("", gettext_lazy("The whole company")),
    "workspace": ("", gettext_lazy("The whole workspace")),
    "anyone": ("", gettext_lazy("Anyone")),
    "everyone": ("", gettext_lazy("Everyone")),
    "nobody": ("", gettext_lazy("Nobody yet")),
    "top-level": ("", gettext_lazy("— None (top level) —")),
    "dash": ("", "—"),
}


def none_of(params: Any) -> str:
    """The choice of none a search's address names (``?none=``), if it is one of NONE_LABELS."""
    none = str(params.get("none", ""))
    return none if none in NONE_LABELS else ""


@dataclass
class TeamPicker(FewOrFound):
    """Teams the actor sees, in the team tree's order, each indented by its depth; but ``exclude``."""

    actor: Actor
    none: str = ""
    exclude: frozenset[int] = frozenset()
    url_name = "pick-teams"

    def rows(self) -> list[tuple[int, str, str]]:
        placed = team_order(self.actor).placed
        return [
            (t.pk, "— " * depth + t.name, t.name.casefold())
            for t, depth in placed
            if t.pk not in self.exclude
        ]

    def query(self) -> dict[str, str]:
        out = {"exclude": ",".join(str(pk) for pk in sorted(self.exclude))} if self.exclude else {}
        return super().query() | out


@dataclass
class PersonPicker(FewOrFound):
    """The workspace's members by name, found by name or email."""

    actor: Actor
    none: str = ""
    url_name = "pick-people"

    def rows(self) -> list[tuple[int, str, str]]:
        return [(u.pk, str(u), f"{u.name} {u.email}".casefold()) for u in workspace_people(self.actor)]


@dataclass
class ItemPicker(Picker):
    """Work items the actor sees, but ``exclude``. As parents (``parents``): no milestones, and "top level"
    for none. For a scenario (``open_only``): planned and in progress only, each with its team."""

    actor: Actor
    exclude: frozenset[int] = frozenset()
    parents: bool = False
    open_only: bool = False
    url_name = "pick-work-items"

    def candidates(self) -> QuerySet[WorkItem]:
        qs = WorkItem.objects.restrict(self.actor).exclude(pk__in=self.exclude)
        if self.open_only:
            qs = qs.filter(status__in=(WorkItemStatus.PLANNED, WorkItemStatus.IN_PROGRESS))
        return qs.exclude(kind=WorkItemKind.MILESTONE) if self.parents else qs

    def exists(self, pk: int) -> bool:
        return self.candidates().filter(pk=pk).exists()

    def _labelled(self, qs: QuerySet[WorkItem]) -> list[tuple[int, str]]:
        if not self.open_only:
            return list(qs.values_list("pk", "title"))
        return [(pk, f"{title} ({team})") for pk, title, team in qs.values_list("pk", "title", "team__name")]

    def choices(self, query: str = "", chosen: int | None = None) -> Choices:
        qs = self.candidates()
        rows = self._labelled(qs.filter(title__icontains=query).order_by("title", "pk")[:PICK_SHOWN])
        if chosen is not None and chosen not in {pk for pk, _title in rows}:
            rows = self._labelled(qs.filter(pk=chosen)) + rows
        return [("", _("Nothing (top level)") if self.parents else "—"), *rows]

    def query(self) -> dict[str, str]:
        out = {"exclude": ",".join(str(pk) for pk in sorted(self.exclude))} if self.exclude else {}
        return out | ({"parents": "1"} if self.parents else {}) | ({"open": "1"} if self.open_only else {})

    @classmethod
    def from_request(cls, actor: Actor, params: Any) -> ItemPicker:
        return cls(
            actor,
            ids_of(str(params.get("exclude", "")).split(",")),
            parents=params.get("parents") == "1",
            open_only=params.get("open") == "1",
        )


@dataclass
class KeyResultPicker(Picker):
    """Key results the actor sees, grouped by their objective; a search finds them by their title or their
    objective's."""

    actor: Actor
    any: bool = False  # a filter's: "Any key result" for none
    url_name = "pick-key-results"

    def query(self) -> dict[str, str]:
        return {"any": "1"} if self.any else {}

    def exists(self, pk: int) -> bool:
        return KeyResult.objects.restrict(self.actor).filter(pk=pk).exists()

    def choices(self, query: str = "", chosen: int | None = None) -> Choices:
        qs = KeyResult.objects.restrict(self.actor)
        matching = Q(title__icontains=query) | Q(objective__title__icontains=query) if query else Q()
        rows = list(
            qs.filter(matching)
            .order_by("objective__title", "objective_id", "position", "pk")
            .values_list("pk", "title", "objective__title")[:PICK_SHOWN]
        )
        if chosen is not None and chosen not in {pk for pk, _t, _o in rows}:
            rows = list(qs.filter(pk=chosen).values_list("pk", "title", "objective__title")) + rows
        groups: dict[str, list[tuple[int, str]]] = {}
        for pk, title, objective in rows:
            groups.setdefault(objective, []).append((pk, title))
        return [("", _("Any key result") if self.any else "—"), *groups.items()]


@dataclass
class ObjectivePicker(Picker):
    """Objectives the actor sees, by title, but ``exclude`` (a filter's: "Any objective" for none; as the
    objectives one aligns to, several: ``attach_many``)."""

    actor: Actor
    exclude: frozenset[int] = frozenset()
    url_name = "pick-objectives"

    def candidates(self) -> QuerySet[Objective]:
        return Objective.objects.restrict(self.actor).exclude(pk__in=self.exclude)

    def exists(self, pk: int) -> bool:
        return pk in self.existing({pk})

    def existing(self, pks: set[int]) -> set[int]:
        return set(self.candidates().filter(pk__in=pks).values_list("pk", flat=True)) if pks else set()

    def titles(self, pks: Collection[int]) -> list[tuple[int, str]]:
        """Those of ``pks`` the actor sees, by title."""
        if not pks:
            return []
        return list(self.candidates().filter(pk__in=pks).order_by("title", "pk").values_list("pk", "title"))

    def found(self, query: str, chosen: Collection[int] = ()) -> list[tuple[int, str]]:
        """The first objectives whose title holds ``query``, but those ``chosen`` already."""
        qs = self.candidates().filter(title__icontains=query).exclude(pk__in=chosen)
        return list(qs.order_by("title", "pk").values_list("pk", "title")[:PICK_SHOWN])

    def choices(self, query: str = "", chosen: int | None = None) -> Choices:
        rows = self.found(query)
        if chosen is not None and chosen not in {pk for pk, _title in rows}:
            rows = self.titles([chosen]) + rows
        return [("", _("Any objective")), *rows]

    def query(self) -> dict[str, str]:
        return {"exclude": ",".join(str(pk) for pk in sorted(self.exclude))} if self.exclude else {}

    @classmethod
    def from_request(cls, actor: Actor, params: Any) -> ObjectivePicker:
        return cls(actor, ids_of(str(params.get("exclude", "")).split(",")))

    def attach_many(self, bound: BoundField) -> None:
        """Give the multiple pick field of ``bound`` the objectives it holds (sent back, or the form's initial
        ones) as its boxes, its check and the address of its search."""
        field: MultiPickField = bound.field  # type: ignore[assignment]
        field.existing = self.existing
        field.choices = self.titles(ids_of(bound.value() or ()))
        self.searched_by(field.widget)


def ids_of(values: Iterable[Any]) -> frozenset[int]:
    """The whole numbers among ``values`` (at most 1,000 of them), the rest ignored."""
    numbers = (int_param(value) for value in itertools.islice(values, 1000))
    return frozenset(pk for pk in numbers if pk is not None)


def found_html(
    into: str, name: str, url: str, rows: list[tuple[int, str]], *, by_name: bool = False
) -> SafeString:
    """A multiple pick field's search answer: a button for each row found, which adds it to the boxes ticked
    (``into``, the field's ``name``)."""
    if not rows:
        nothing = _("Nothing found by that name.") if by_name else _("Nothing found by that title.")
        return format_html('<p class="muted small">{}</p>', nothing)
    buttons = format_html_join(
        "",
        '<button type="button" class="btn btn-ghost btn-sm multi-pick-add" id="{}-add-{}" hx-get="{}" '
        'hx-target="#{}" hx-swap="beforeend">{}</button>',
        (
            (into, pk, with_query(url, into=into, name=name, add=pk), into, _("Add “%(title)s”") % {"title": title})
            for pk, title in rows
        ),
    )  # fmt: skip
    return format_html('<div class="multi-pick-options">{}</div>', buttons)


def chosen_html(into: str, name: str, pk: int, title: str) -> SafeString:
    """One row added to a multiple pick field's ticked boxes, and its button taken out of the search's answer."""
    return format_html(
        '<div><label><input type="checkbox" name="{}" value="{}" checked> {}</label></div>'
        '<button type="button" id="{}-add-{}" hx-swap-oob="delete"></button>',
        name,
        pk,
        title,
        into,
        pk,
    )
