"""What every page view needs: a signed-in member with an Actor, and errors turned into pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from northstar.workspaces.errors import NotFound, PermissionDenied
from northstar.workspaces.middleware import request_actor

View = Callable[..., HttpResponse]


def today() -> dt.date:
    """The one place pages read the calendar date (in the server's time zone)."""
    return timezone.localdate()


def workspace_view(min_role: str = "viewer") -> Callable[[View], View]:
    """Require a signed-in member with at least `min_role`; call the view as `view(request, actor, …)`.

    Anonymous → redirect to sign in; no workspace → a page saying so; NotFound → 404; PermissionDenied → 403.
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

        return wrapper

    return decorate


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
