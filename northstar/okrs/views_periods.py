"""Period pages: the FY ▸ quarter tree, and admins' create / edit / close / delete, over `okrs.actions`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from northstar.core.periods import quarters
from northstar.okrs import actions as okr_actions
from northstar.okrs.models import Period, PeriodKind
from northstar.workspaces import audit
from northstar.workspaces.errors import StaleVersion, ValidationFailed
from northstar.workspaces.forms import apply_errors, tree_choices
from northstar.workspaces.permissions import Actor, access
from northstar.workspaces.queries import TreeRow, build_tree
from northstar.workspaces.views import error_text
from northstar.workspaces.web import today, workspace_view

NO_PARENT = _("— None (top level) —")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")  # what <input type="date"> speaks, whatever the language


class PeriodForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=120, help_text=_("For example “FY 2027” or “FY27 Q1”.")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=PeriodKind.choices, initial=PeriodKind.QUARTER)
    start = forms.DateField(label=_("First day"), widget=DateInput)
    end = forms.DateField(label=_("Last day"), widget=DateInput, help_text=_("Included in the period."))
    parent = forms.TypedChoiceField(
        label=_("Part of"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("A quarter lies within its year; the dates must fit inside the parent's."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, parent_choices: list[tuple[str, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = parent_choices


def _period_rows(actor: Actor) -> list[TreeRow]:
    return build_tree(Period.objects.restrict(actor).order_by("start", "-end", "name"))


def _choices(rows: list[TreeRow], exclude: int | None = None) -> list[tuple[str, str]]:
    return tree_choices([r for r in rows if r.obj.pk != exclude], empty_label=NO_PARENT)


def _render_periods(
    request: HttpRequest, actor: Actor, rows: list[TreeRow], form: PeriodForm
) -> HttpResponse:
    context = {"rows": rows, "form": form, "today": today()}
    return render(request, "okrs/periods.html", context)


@workspace_view()
def periods(request: HttpRequest, actor: Actor) -> HttpResponse:
    rows = _period_rows(actor)
    return _render_periods(request, actor, rows, PeriodForm(parent_choices=_choices(rows)))


@require_POST
@workspace_view("admin")
def period_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    rows = _period_rows(actor)
    form = PeriodForm(request.POST, parent_choices=_choices(rows))
    if form.is_valid():
        data = form.cleaned_data
        try:
            period = okr_actions.create_period(
                actor,
                name=data["name"],
                kind=data["kind"],
                start=data["start"],
                end=data["end"],
                parent=data["parent"],
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Period %(name)s created.") % {"name": period.name})
            return redirect("periods")
    return _render_periods(request, actor, rows, form)


def _render_period(request: HttpRequest, actor: Actor, period: Period, *, form: PeriodForm | None = None,
                   action_error: str = "") -> HttpResponse:  # fmt: skip
    rows = _period_rows(actor)
    if form is None:
        initial = {f: getattr(period, f) for f in ("name", "kind", "start", "end", "version")}
        form = PeriodForm(
            initial={**initial, "parent": period.parent_id}, parent_choices=_choices(rows, period.pk)
        )
    context = {
        "period": period,
        "parent": next((r.obj for r in rows if r.obj.pk == period.parent_id), None),
        "children": [r.obj for r in rows if r.obj.parent_id == period.pk],
        "form": form,
        "action_error": action_error,
        "today": today(),
        "entries": audit.history(actor, "period", period.pk),
    }
    return render(request, "okrs/periods_detail.html", context)


@workspace_view()
def period_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    period = access(Period.objects, actor, pk)
    if request.method != "POST":
        return _render_period(request, actor, period)
    actor.require("admin")
    form = PeriodForm(request.POST, parent_choices=_choices(_period_rows(actor), period.pk))
    if form.is_valid():
        data = form.cleaned_data
        try:
            okr_actions.update_period(
                actor, period.pk, expected_version=data["version"],
                name=data["name"], kind=data["kind"], start=data["start"], end=data["end"], parent=data["parent"],
            )  # fmt: skip
        except ValidationFailed as exc:
            apply_errors(form, exc)
        except StaleVersion as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Period saved."))
            return redirect("period", pk=period.pk)
    return _render_period(request, actor, period, form=form)


@require_POST
@workspace_view("admin")
def period_close(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """Close an open period (its OKRs become read-only for non-admins) or reopen a closed one."""
    period = access(Period.objects, actor, pk)
    if period.closed:
        period = okr_actions.update_period(actor, period.pk, closed=False)
    else:  # closing saves the final scores too (the results page also rolls work over)
        from northstar.okrs.closing import close_period

        period = close_period(actor, period.pk, today=today())
    if period.closed:
        messages.success(
            request, _("%(name)s is closed; only admins can change its OKRs now.") % {"name": period.name}
        )
    else:
        messages.success(request, _("%(name)s is open again.") % {"name": period.name})
    if request.POST.get("back") == "list":
        return redirect("periods")
    return redirect("period", pk=period.pk)


@require_POST
@workspace_view("admin")
def period_delete(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    period = access(Period.objects, actor, pk)
    try:
        okr_actions.delete_period(actor, period.pk)
    except ValidationFailed as exc:
        return _render_period(request, actor, period, action_error=error_text(exc))
    messages.success(request, _("Period %(name)s deleted.") % {"name": period.name})
    return redirect("periods")


@require_POST
@workspace_view("admin")
def period_quarters(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """Split a year into its quarters (named “<year> Q1” …), all or nothing."""
    year = access(Period.objects, actor, pk)
    if year.kind != PeriodKind.YEAR:
        messages.error(request, _("Only a year can be split into quarters."))
    elif Period.objects.restrict(actor).filter(parent=year).exists():
        messages.error(request, _("%(name)s already has sub-periods.") % {"name": year.name})
    else:
        try:
            with transaction.atomic():
                for n, (start, end) in enumerate(quarters(year.start, year.end), start=1):
                    okr_actions.create_period(
                        actor,
                        name=f"{year.name} Q{n}",
                        kind=PeriodKind.QUARTER,
                        start=start,
                        end=end,
                        parent=year.pk,
                    )
        except ValidationFailed as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Added the quarters of %(name)s.") % {"name": year.name})
    return redirect("periods")
