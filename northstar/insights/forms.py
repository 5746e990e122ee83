"""Forms for the insights pages. They only shape input; the rules (who may set a capacity, its range) live in
roadmap.actions, so the pages, the API and the CLI check exactly the same things."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


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
