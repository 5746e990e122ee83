"""Closing a period with its results: final scores and grades, a retrospective, the roll-over of unfinished key
results into the next period with their open work."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from northstar.okrs.closing import close_period, results
from northstar.okrs.models import Period
from northstar.workspaces.errors import StaleVersion, ValidationFailed
from northstar.workspaces.forms import apply_errors
from northstar.workspaces.permissions import Actor, access
from northstar.workspaces.web import today, workspace_view


class ClosingForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    next_period = forms.TypedChoiceField(
        label=gettext_lazy("Roll unfinished key results over into"),
        coerce=int,
        required=False,
        empty_value=None,
    )
    roll_over = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Key results to roll over"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    retrospective = forms.CharField(
        label=gettext_lazy("Retrospective"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("What went well, what did not, what to keep doing."),
    )

    def __init__(
        self, *args: Any, periods: list[Period], unfinished: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["next_period"].choices = [("", "—"), *((p.pk, p.name) for p in periods)]  # type: ignore[attr-defined]
        self.fields["roll_over"].choices = unfinished  # type: ignore[attr-defined]


def _next_periods(actor: Actor, period: Period) -> list[Period]:
    return [
        p for p in Period.objects.restrict(actor) if p.pk != period.pk and not p.closed and p.end > period.end
    ]


@workspace_view()
def period_results(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    period: Period = access(Period.objects, actor, pk)
    found = results(actor, period, today=today())
    form = None
    if request.method == "POST":
        actor.require("admin")
    if actor.is_admin and not period.closed:
        candidates = _next_periods(actor, period)
        unfinished = [(r.view.kr.pk, r.view.kr.title) for o in found for r in o.key_results if r.unfinished]
        same_kind = next(
            (p for p in sorted(candidates, key=lambda p: p.start) if p.kind == period.kind), None
        )
        form = ClosingForm(
            request.POST or None,
            periods=candidates,
            unfinished=unfinished,
            initial={
                "version": period.version,
                "next_period": same_kind.pk if same_kind else None,
                "roll_over": [pk for pk, _t in unfinished],
            },
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                close_period(
                    actor, period.pk, today=today(), retrospective=data["retrospective"],
                    next_period=data["next_period"], roll_over=data["roll_over"], expected_version=data["version"],
                )  # fmt: skip
            except ValidationFailed as exc:
                apply_errors(form, exc)
            except StaleVersion as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("%(name)s is closed with its results.") % {"name": period.name})
                return redirect("period-results", pk=period.pk)
    status = 422 if form is not None and form.errors else 200
    return render(
        request, "okrs/period_results.html", {"period": period, "results": found, "form": form}, status=status
    )
