"""Forms for the OKR pages. They only shape input; the rules live in actions (and core), so the API and the CLI
check exactly the same things."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from northstar.okrs.models import KRKind, ObjectiveStatus, Visibility
from northstar.workspaces.forms import MultiPickField, PickField

if TYPE_CHECKING:
    from northstar.roadmap.pickers import ObjectivePicker, PersonPicker, TeamPicker


class ObjectiveForm(forms.Form):
    title = forms.CharField(
        label=_("Objective"),
        max_length=300,
        help_text=_("Qualitative and inspiring: what do you want to achieve, and why?"),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    team = PickField(label=_("Team"))
    period = forms.TypedChoiceField(label=_("Period"), coerce=int, required=False, empty_value=None)
    owner = PickField(label=_("Owner"), required=False, empty_value=None)
    status = forms.ChoiceField(
        label=_("Status"), choices=ObjectiveStatus.choices, initial=ObjectiveStatus.ACTIVE
    )
    visibility = forms.ChoiceField(
        label=_("Who can see it"), choices=Visibility.choices, initial=Visibility.WORKSPACE
    )
    parents = MultiPickField(
        label=_("Aligns to"),
        required=False,
        help_text=_("The objectives this one contributes to."),
    )
    weight = forms.FloatField(
        label=_("Weight"),
        initial=1.0,
        min_value=0,
        help_text=_("Its weight when it rolls up into the objectives it aligns to."),
    )
    committed = forms.BooleanField(
        label=_("Committed"),
        required=False,
        help_text=_("Must be met in full. Leave unticked for an aspirational objective (success from 0.7)."),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        teams: TeamPicker,
        periods: list[Any],
        people: PersonPicker,
        parents: ObjectivePicker,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        teams.attach(self["team"])
        self.fields["period"].choices = [("", _("No period (ongoing)"))] + [(p.pk, p.name) for p in periods]
        people.attach(self["owner"])
        parents.attach_many(self["parents"])


class KeyResultForm(forms.Form):
    title = forms.CharField(
        label=_("Key result"),
        max_length=300,
        help_text=_("An outcome you can measure, e.g. “Cut monthly churn from 3.5% to 2%”."),
    )
    kind = forms.ChoiceField(label=_("How it is measured"), choices=KRKind.choices, initial=KRKind.INCREASE)
    unit = forms.CharField(
        label=_("Unit"), max_length=20, required=False, help_text=_("For example %, €, minutes, seats.")
    )
    start = forms.FloatField(label=_("Start value"), required=False)
    target = forms.FloatField(label=_("Target value"), required=False)
    low = forms.FloatField(label=_("Lowest acceptable value"), required=False)
    high = forms.FloatField(label=_("Highest acceptable value"), required=False)
    weight = forms.FloatField(
        label=_("Weight"), initial=1.0, min_value=0, help_text=_("Its share in the objective's progress.")
    )
    owner = PickField(label=_("Owner"), required=False, empty_value=None)
    description = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, people: PersonPicker, **kwargs: Any):
        super().__init__(*args, **kwargs)
        people.attach(self["owner"])

    def measure_values(self) -> dict[str, Any]:
        """The cleaned values, with the measures the chosen kind does not use cleared (the form shows all of
        them and hides the others with CSS, so they may still arrive)."""
        data = dict(self.cleaned_data)
        kind = data.get("kind")
        if kind not in ("increase", "decrease"):
            data["start"] = data["target"] = None
        if kind != "range":
            data["low"] = data["high"] = None
        return data


class CheckInForm(forms.Form):
    value = forms.FloatField(
        label=_("Current value"), error_messages={"required": _("Enter the current value.")}
    )
    confidence = forms.TypedChoiceField(
        label=_("Confidence"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", "—")] + [(n, str(n)) for n in range(1, 11)],
        help_text=_("1 = we will surely miss it, 10 = we will surely make it."),
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def confidence_fraction(self) -> float | None:
        score = self.cleaned_data.get("confidence")
        return None if score is None else score / 10
