"""The choices of pick fields among many rows (a work item's predecessor and parent, the key result it serves, a
scenario's changes, the roadmap list's filters): a few shown, the rest found by a search of their titles, any row
the viewer sees accepted — so that a page never lists a workspace's 100,000 work items or 80,000 key results."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from northstar.okrs.models import KeyResult, Objective
from northstar.roadmap.models import WorkItem, WorkItemKind, WorkItemStatus
from northstar.workspaces.forms import PickField, SearchSelect
from northstar.workspaces.permissions import Actor
from northstar.workspaces.web import int_param

PICK_SHOWN = 50  # choices a pick field's select holds at a time
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

    def exists(self, pk: int) -> bool:
        raise NotImplementedError

    def choices(self, query: str = "", chosen: int | None = None) -> Choices:
        raise NotImplementedError

    def query(self) -> dict[str, str]:
        return {}

    def url(self) -> str:
        extra = self.query()
        return reverse(self.url_name) + (f"?{urlencode(extra)}" if extra else "")

    def render(self, name: str, widget_id: str, chosen: int | None) -> str:
        """The pick field alone, for a filter form written by hand (``?name=``, no form class): safe HTML."""
        widget = SearchSelect(search_url=self.url(), choices=self.choices(chosen=chosen))
        return widget.render(name, chosen, {"id": widget_id})

    def attach(self, field: PickField, chosen: object) -> None:
        """Give ``field`` its first choices (with the one chosen), its check and the address of its search."""
        field.exists = self.exists
        field.choices = self.choices(chosen=int_param(chosen))
        field.widget.search_url = self.url()  # type: ignore[attr-defined]


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
        exclude = {int_param(x) for x in str(params.get("exclude", "")).split(",")[:1000]}
        return cls(
            actor,
            frozenset(pk for pk in exclude if pk is not None),
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
    """Objectives the actor sees, by title (a filter's: "Any objective" for none)."""

    actor: Actor
    url_name = "pick-objectives"

    def exists(self, pk: int) -> bool:
        return Objective.objects.restrict(self.actor).filter(pk=pk).exists()

    def choices(self, query: str = "", chosen: int | None = None) -> Choices:
        qs = Objective.objects.restrict(self.actor)
        rows = list(
            qs.filter(title__icontains=query).order_by("title", "pk").values_list("pk", "title")[:PICK_SHOWN]
        )
        if chosen is not None and chosen not in {pk for pk, _title in rows}:
            rows = list(qs.filter(pk=chosen).values_list("pk", "title")) + rows
        return [("", _("Any objective")), *rows]
