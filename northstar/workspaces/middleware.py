from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from northstar.workspaces.models import Membership, Workspace
from northstar.workspaces.permissions import Actor, actor_for

SESSION_WORKSPACE = "workspace_id"


def member_workspaces(user: object) -> object:
    return Workspace.objects.filter(pk__in=Membership.objects.filter(user=user).values("workspace_id"))


def session_membership(request: HttpRequest, **annotations: Any) -> Membership | None:
    """The signed-in user's membership (with its workspace) of the workspace their session chose, if any, with
    ``annotations`` read in the same query."""
    wanted = request.session.get(SESSION_WORKSPACE)
    if wanted is None:
        return None
    return (
        Membership.objects.select_related("workspace")
        .annotate(**annotations)
        .filter(user=request.user, workspace_id=wanted)
        .first()
    )


def current_workspace(request: HttpRequest) -> Workspace | None:
    user = request.user
    if not user.is_authenticated:
        return None
    membership = session_membership(request)
    if membership is not None:
        return membership.workspace
    found = member_workspaces(user).order_by("name").first()  # type: ignore[attr-defined]
    if found is not None:
        request.session[SESSION_WORKSPACE] = found.pk
    return found  # type: ignore[no-any-return]


def request_actor(request: HttpRequest) -> Actor | None:
    """The signed-in user in their current workspace, built once per request; None without a workspace."""
    if not hasattr(request, "_northstar_actor"):
        workspace = current_workspace(request)
        request._northstar_actor = actor_for(request.user, workspace) if workspace else None  # type: ignore[attr-defined]
    return request._northstar_actor  # type: ignore[attr-defined,no-any-return]


class UserLanguageMiddleware:
    """A signed-in user's saved language wins over the browser's. Runs after authentication."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
