"""What every page view needs: a signed-in member with an Actor, and errors turned into pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from northstar.workspaces.errors import NotFound, PermissionDenied
from northstar.workspaces.middleware import request_actor
from northstar.workspaces.permissions import ROLE_RANK

View = Callable[..., HttpResponse]


def today() -> dt.date:
    """The one place pages read the calendar date (in the server's time zone)."""
    return timezone.localdate()


def workspace_view(min_role: str = "viewer") -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            actor = request_actor(request)
            if actor is None:
                return render(request, "workspaces/no_workspace.html", status=403)
            if ROLE_RANK[actor.role or "viewer"] < ROLE_RANK[min_role]:
                return forbidden(request, None)
            try:
                return view(request, actor, *args, **kwargs)
            except NotFound:
                return render(request, "404.html", status=404)
            except PermissionDenied as exc:
                return forbidden(request, exc)

        return wrapper

    return decorate


def forbidden(request: HttpRequest, exc: Exception | None) -> HttpResponse:
    message = str(exc.args[0]) if exc is not None and exc.args else None
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
