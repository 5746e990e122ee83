"""Forms for the insights pages. They only shape input; the rules (who may set a capacity, its range) live in
roadmap.actions, so the pages, the API and the CLI check exactly the same things."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from northstar.workspaces.forms import PickField

if TYPE_CHECKING:
    from northstar.roadmap.pickers import Picker


def number_input_value(value: float | None) -> str:
    """A number as an <input type="number"> reads it: never localised (no decimal comma), no trailing ".0"."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


class CapacityForm(forms.Form):
    """One team's capacity for one period, set inline on the coverage report."""

    team = forms.IntegerField(widget=forms.HiddenInput)
    period = forms.IntegerField(widget=forms.HiddenInput)
    person_days = forms.FloatField(
        label=_("Capacity (person-days)"),
        error_messages={
            "required": _("Enter a number of person-days."),
            "invalid": _("Enter a number of person-days, e.g. 90 or 42.5."),
        },
    )

    @classmethod
    def for_team(cls, team: int, period: int, capacity: float | None) -> CapacityForm:
        return cls(initial={"team": team, "period": period, "person_days": number_input_value(capacity)})


class ScenarioForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("What it tries"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    period = forms.TypedChoiceField(label=_("Period"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: object, periods: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["period"].choices = [("", "—"), *periods]  # type: ignore[attr-defined]


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ChangeForm(forms.Form):
    """One change of a scenario. Each kind shows its own fields; the action checks which are needed."""

    kind = forms.CharField(widget=forms.HiddenInput)
    work_item = PickField(label=_("Work item"), required=False, empty_value=None)
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    item_kind = forms.ChoiceField(label=_("Kind"), required=False)
    team = PickField(label=_("Team"), required=False, empty_value=None)
    key_result = PickField(label=_("Serves"), required=False, empty_value=None)
    start = forms.DateField(label=_("Start"), required=False, widget=DATE)
    end = forms.DateField(
        label=_("End"),
        required=False,
        widget=DATE,
        help_text=_("When moving an item: leave it empty to keep the item's length."),
    )
    estimate_days = forms.FloatField(label=_("Estimate (person-days)"), required=False, min_value=0)
    period = forms.TypedChoiceField(label=_("Period"), coerce=int, required=False, empty_value=None)
    person_days = forms.FloatField(label=_("Capacity (person-days)"), required=False, min_value=0)

    FIELDS = {
        "add": ["title", "item_kind", "team", "key_result", "start", "end", "estimate_days"],
        "drop": ["work_item"],
        "move": ["work_item", "start", "end"],
        "estimate": ["work_item", "estimate_days"],
        "capacity": ["team", "period", "person_days"],
    }
    REQUIRED = {
        "add": ["title", "item_kind", "team"],
        "drop": ["work_item"],
        "move": ["work_item", "start"],
        "estimate": ["work_item", "estimate_days"],
        "capacity": ["team", "period", "person_days"],
    }

    def __init__(
        self,
        *args: object,
        kind: str,
        items: Picker,
        teams: Picker,
        key_results: Picker,
        periods: list[tuple[int, str]],
        item_kinds: list[tuple[str, str]],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, auto_id=f"change-{kind}-%s", initial={"kind": kind}, **kwargs)  # type: ignore[arg-type]
        self.kind = kind
        for name in self.REQUIRED.get(kind, []):
            self.fields[name].required = True
        if kind != "move":
            self.fields["end"].help_text = ""
        items.attach(self["work_item"])
        teams.attach(self["team"])
        key_results.attach(self["key_result"])
        self.fields["period"].choices = [("", "—"), *periods]  # type: ignore[attr-defined]
        self.fields["item_kind"].choices = item_kinds  # type: ignore[attr-defined]

    def shown(self) -> list[forms.BoundField]:
        return [self[name] for name in self.FIELDS.get(self.kind, [])]

    def change(self) -> dict[str, object]:
        """The cleaned values the action takes, without the empty ones (the action's defaults apply)."""
        data = self.cleaned_data
        out = {k: v for k, v in data.items() if v not in (None, "")}
        out.setdefault("title", "")
        if not out.get("item_kind"):
            out.pop("item_kind", None)
        return out
