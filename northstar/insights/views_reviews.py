"""Review pages: the list with a form to start one, a review (wins first) with its notes, and its PDF."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from northstar.insights import actions
from northstar.insights.models import Review, ReviewKind
from northstar.insights.reviews import load_review
from northstar.okrs import queries as okr_queries
from northstar.okrs.models import Period
from northstar.roadmap.pickers import TeamPicker
from northstar.workspaces.errors import StaleVersion, ValidationFailed
from northstar.workspaces.forms import PickField, apply_errors
from northstar.workspaces.permissions import Actor, access
from northstar.workspaces.web import query_without_page, requested_page, today, workspace_view

REVIEW_PAGE_SIZE = 50  # reviews so far, newest first: weekly reviews of 2,000 teams add 100,000 a year


class ReviewForm(forms.Form):
    period = forms.TypedChoiceField(label=gettext_lazy("Period"), coerce=int)
    team = PickField(label=gettext_lazy("Team"), required=False, empty_value=None)
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=ReviewKind.choices, initial=ReviewKind.MONTHLY
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p.pk, p.name) for p in Period.objects.restrict(actor)]  # type: ignore[attr-defined]
        TeamPicker(actor, "company").attach(self["team"])


class NotesForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    notes = forms.CharField(
        label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    learnings = forms.CharField(
        label=gettext_lazy("Learnings"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


@workspace_view()
def review_list(request: HttpRequest, actor: Actor, form: ReviewForm | None = None) -> HttpResponse:
    default = okr_queries.default_period(actor, today())
    form = form or ReviewForm(actor=actor, initial={"period": default.pk if default else None})
    reviews = Review.objects.restrict(actor).select_related("period", "team", "created_by")
    page = requested_page(request, reviews, REVIEW_PAGE_SIZE)
    return render(
        request,
        "insights/reviews.html",
        {"reviews": page.object_list, "page": page, "page_base": query_without_page(request), "form": form},
        status=422 if form.errors else 200,
    )


@require_POST
@workspace_view("editor")
def review_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = ReviewForm(request.POST, actor=actor)
    if form.is_valid():
        try:
            review = actions.create_review(actor, **form.cleaned_data, as_of=today())
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            return HttpResponseRedirect(reverse("review", args=[review.pk]))
    return review_list(request, form=form)


def _context(actor: Actor, review: Review, form: NotesForm | None = None) -> dict[str, Any]:
    return {
        "r": load_review(actor, review),
        "review": review,
        "form": form
        or NotesForm(
            initial={"version": review.version, "notes": review.notes, "learnings": review.learnings}
        ),
        "can_edit": actor.can_edit,
    }


def _review(actor: Actor, pk: int) -> Review:
    return access(Review.objects.select_related("period", "team", "created_by"), actor, pk)  # type: ignore[no-any-return]


@workspace_view()
def review_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    review = _review(actor, pk)
    if request.method == "POST":
        actor.require("editor")
        form = NotesForm(request.POST)
        if form.is_valid():
            try:
                actions.update_review(
                    actor,
                    review.pk,
                    expected_version=form.cleaned_data["version"],
                    notes=form.cleaned_data["notes"],
                    learnings=form.cleaned_data["learnings"],
                )
            except ValidationFailed as exc:
                apply_errors(form, exc)
            except StaleVersion as exc:
                form.add_error(None, str(exc))
                return render(request, "insights/review.html", _context(actor, review, form), status=409)
            else:
                messages.success(request, _("Notes saved with the review."))
                return HttpResponseRedirect(reverse("review", args=[review.pk]))
        return render(request, "insights/review.html", _context(actor, review, form), status=422)
    return render(request, "insights/review.html", _context(actor, review))


def review_pdf_bytes(actor: Actor, review: Review) -> bytes:
    """The review as a PDF (WeasyPrint), charts included; the same content as the page."""
    from weasyprint import HTML  # a heavy import, only for PDFs

    html = render_to_string("insights/review_pdf.html", {"r": load_review(actor, review), "review": review})
    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]


@workspace_view()
def review_pdf(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    review = _review(actor, pk)
    response = HttpResponse(review_pdf_bytes(actor, review), content_type="application/pdf")
    name = f"review-{review.period.key}-{review.team.key if review.team else 'company'}-{review.as_of}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@require_POST
@workspace_view("editor")
def review_delete(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    actions.delete_review(actor, _review(actor, pk).pk)
    messages.success(request, _("Review deleted."))
    return HttpResponseRedirect(reverse("reviews"))
