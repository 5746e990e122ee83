"""Forms for the roadmap pages. They only shape input; the rules (dates, parents, cycles, weights) live in
roadmap.actions, so the pages, the API and the CLI check exactly the same things."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from northstar.roadmap.models import DependencyKind, WorkItemKind, WorkItemStatus
from northstar.workspaces.forms import PickField

if TYPE_CHECKING:
    from northstar.roadmap.pickers import Picker


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None):
        super().__init__(attrs, format="%Y-%m-%d")


class WorkItemForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        help_text=_("What will be delivered, e.g. “Annual plan offer at renewal”."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=WorkItemKind.choices,
        initial=WorkItemKind.TASK,
        help_text=_("An initiative holds milestones and tasks; a milestone has one date."),
    )
    team = PickField(label=_("Team"))
    parent = PickField(label=_("Part of"), required=False, empty_value=None)
    owner = PickField(label=_("Owner"), required=False, empty_value=None)
    start = forms.DateField(label=_("Start"), required=False, widget=DateInput())
    end = forms.DateField(
        label=_("End"),
        required=False,
        widget=DateInput(),
        help_text=_("The last working day. A milestone needs only this or the start."),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=WorkItemStatus.choices, initial=WorkItemStatus.PLANNED
    )
    estimate_days = forms.FloatField(label=_("Estimate (person-days)"), required=False, min_value=0)
    effort_done_days = forms.FloatField(label=_("Effort done (person-days)"), required=False, min_value=0)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    # Classic prioritisation inputs (the workspace settings pick RICE or WSJF for the ranked backlog).
    reach = forms.FloatField(
        label=_("Reach"), required=False, min_value=0, help_text=_("RICE: people or events per period.")
    )
    impact = forms.FloatField(
        label=_("Impact"), required=False, min_value=0, help_text=_("RICE: 0.25 minimal … 3 massive.")
    )
    confidence = forms.FloatField(
        label=pgettext_lazy("RICE", "Confidence"),
        required=False,
        min_value=0,
        max_value=1,
        help_text=_("RICE: 0 to 1. The estimate is the effort."),
    )
    cost_of_delay = forms.FloatField(
        label=_("Cost of delay"),
        required=False,
        min_value=0,
        help_text=_("WSJF: value lost per period of delay."),
    )
    job_size = forms.FloatField(
        label=_("Job size"), required=False, min_value=0, help_text=_("WSJF: relative size, more than 0.")
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, teams: Picker, people: Picker, parents: Picker, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teams.attach(self["team"])
        people.attach(self["owner"])
        parents.attach(self["parent"])

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["description"] = data.get("description") or ""
        data["effort_done_days"] = data.get("effort_done_days") or 0
        if data.get("kind") == WorkItemKind.MILESTONE:
            # One date: whichever was given becomes both.
            day = data.get("end") or data.get("start")
            data["start"] = data["end"] = day
        return data


class DependencyForm(forms.Form):
    predecessor = PickField(
        label=_("Depends on"),
        help_text=_("The item that must happen first."),
        error_messages={"required": _("Choose the item this one depends on.")},
    )
    kind = forms.ChoiceField(
        label=_("Type"), choices=DependencyKind.choices, initial=DependencyKind.FINISH_TO_START
    )
    lag_days = forms.IntegerField(
        label=_("Lag (days)"),
        initial=0,
        min_value=-3650,
        max_value=3650,
        help_text=_("Days to wait after the predecessor; negative for an overlap."),
    )

    def __init__(self, *args: Any, picker: Picker, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        picker.attach(self["predecessor"])


class ContributionForm(forms.Form):
    key_result = PickField(
        label=_("Key result"),
        error_messages={"required": _("Choose the key result this item serves.")},
    )
    weight = forms.FloatField(
        label=_("Weight"),
        initial=1.0,
        min_value=0,
        max_value=1000,
        help_text=_("Its expected share of the impact on this key result."),
    )

    def __init__(self, *args: Any, picker: Picker, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        picker.attach(self["key_result"])


class BaselineForm(forms.Form):
    name = forms.CharField(
        label=_("Baseline name"),
        max_length=120,
        help_text=_(
            "A snapshot of every item's dates, e.g. “Plan at quarter start”, to compare the plan with later."
        ),
    )
