"""What every page view needs: a signed-in member with an Actor, and errors turned into pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django_htmx.http import reswap

from northstar.workspaces.errors import NotFound, PermissionDenied, StaleVersion, ValidationFailed
from northstar.workspaces.forms import apply_errors
from northstar.workspaces.middleware import request_actor

View = Callable[..., HttpResponse]


def today() -> dt.date:
    """The one place pages read the calendar date (in the server's time zone)."""
    return timezone.localdate()


def workspace_view(min_role: str = "viewer") -> Callable[[View], View]:
    """Require a signed-in member with at least `min_role`; call the view as `view(request, actor, …)`.

    Anonymous → redirect to sign in; no workspace → a page saying so; NotFound → 404; PermissionDenied → 403;
    ValidationFailed that the view did not show on its form → 400, with its messages.
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            actor = request_actor(request)
            if actor is None or not actor.is_member:
                return render(request, "workspaces/no_workspace.html")
            try:
                actor.require(min_role)
                return view(request, actor, *args, **kwargs)
            except NotFound as exc:
                raise Http404 from exc
            except (PermissionDenied, DjangoPermissionDenied) as exc:
                return forbidden(request, exc)
            except ValidationFailed as exc:
                return render(request, "400.html", {"message": exc.sentence()}, status=400)

        return wrapper

    return decorate


def int_param(value: Any) -> int | None:
    """A query-string id, or None when it is missing or not a whole number."""
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def forbidden(request: HttpRequest, exc: Exception | None = None) -> HttpResponse:
    message = str(exc) if exc is not None and str(exc) else ""
    return render(request, "403.html", {"message": message}, status=403)


class _DryRun(Exception):
    pass


def dry_run(action: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Run an action's full validation without keeping anything: the inline validation of forms."""
    try:
        with transaction.atomic():
            action(*args, **kwargs)
            raise _DryRun
    except _DryRun:
        pass


def form_response(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    if request.htmx:
        return render(request, f"{template}#form", context, status=status)
    return render(request, template, context, status=status)


def saved(request: HttpRequest, message: str, url: str) -> HttpResponse:
    messages.success(request, message)
    return HttpResponseRedirect(url)


def submit_form(
    request: HttpRequest,
    form: Any,
    template: str,
    context: dict[str, Any],
    *,
    values: Callable[[Any], dict[str, Any]],
    save: Callable[[dict[str, Any], int | None], Any],
    done: Callable[[Any], HttpResponse],
) -> HttpResponse:
    """POST handling shared by the forms of the pages. `_validate=1` (sent by HTMX as you type) runs the action's full
    validation in a rolled-back transaction and answers the form with its errors; a real submit saves and calls
    `done`, answers 422 with the field errors, or 409 when someone else saved first."""
    validate_only = request.POST.get("_validate") == "1"
    status = 200 if validate_only else 422
    if form.is_valid():
        try:
            if validate_only:
                dry_run(save, values(form), None)
            else:
                return done(save(values(form), form.cleaned_data.get("version")))
        except ValidationFailed as exc:
            apply_errors(form, exc)
        except StaleVersion as exc:
            form.add_error(None, str(exc))
            status = 409
    if validate_only:
        # Don't scold about fields the person has not reached yet; the real submit still does.
        for name in [n for n in form.errors if n in form.fields and not request.POST.get(n)]:
            del form.errors[name]
        if request.htmx:
            shown = [f for f in form if f.html_name in request.POST and not f.is_hidden]
            return render(request, "includes/form_errors_oob.html", {"form": form, "fields": shown})
    response = form_response(request, template, {**context, "form": form}, status)
    return reswap(response, "outerHTML") if request.htmx else response


def requested_page(request: HttpRequest, rows: Sequence[Any] | QuerySet[Any], size: int) -> Page[Any]:
    """The page of ``rows`` that ``?page=`` asks for: the first for none or nonsense, the last past the end."""
    return Paginator(rows, size).get_page(request.GET.get("page"))


def first_of[T](rows: Sequence[T], shown: int) -> tuple[list[T], int]:
    """The first ``shown`` of ``rows``, and how many more there are: a list on a page, and the count that says so."""
    return list(rows[:shown]), max(len(rows) - shown, 0)


def query_without_page(request: HttpRequest) -> str:
    """The page's query string without its page number, for links to the other pages."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
