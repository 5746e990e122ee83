"""Remembered pages: the most-read pages and API reads are answered from memory until their workspace changes.

An answer is stored under everything it depends on: the workspace and its revision (`revisions.py`: it moves on
every change), the person, their role and how they came (browser session, or a token and whether it is read-only),
the language, today's date, the address with its query and the HTMX headers, and for a browser the CSRF cookie
(the page carries a token made from it). Only a 200 answer to a GET from a member is stored, never one that sets a
cookie and never while a message waits to be shown. Entries also expire (`NORTHSTAR_PAGE_MEMORY_SECONDS`) so that
"3 minutes ago" stays near the truth. The `pages` cache may be shared by many processes: the keys say it all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse

from northstar.workspaces import revisions
from northstar.workspaces.actions import usable_token
from northstar.workspaces.middleware import request_actor, session_membership
from northstar.workspaces.models import Membership, Workspace
from northstar.workspaces.web import today

# Reads that only show the database (nothing on them writes, nothing on them depends on the hour).
REMEMBERED = frozenset(
    {
        "dashboard",
        "okrs",
        "objective",
        "key-result",
        "roadmap",
        "roadmap-timeline-json",
        "roadmap-board",
        "roadmap-list",
        "work-item",
        "api:list_objectives",
        "api:get_objective",
        "api:list_key_results",
        "api:get_key_result",
        "api:list_check_ins",
        "api:list_work_items",
        "api:get_work_item",
        "api:list_dependencies",
        "api:list_contributions",
    }
)
LARGEST = 4_000_000  # bytes; a larger answer is computed each time rather than crowd out the rest


def page_memory() -> Any:
    return caches["pages"]


class RememberedPages:
    """Innermost middleware: answers a remembered read from memory, or stores the view's answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        key = getattr(request, "_northstar_page_key", None)
        if key is not None and _storable(response):
            page_memory().set(key, _freeze(response), settings.NORTHSTAR_PAGE_MEMORY_SECONDS)
        return response

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        match = request.resolver_match
        if request.method != "GET" or match is None or match.view_name not in REMEMBERED:
            return None
        if not settings.NORTHSTAR_PAGE_MEMORY_SECONDS:
            return None
        key = page_key(request)
        if key is None:
            return None
        found = page_memory().get(key)
        if found is not None:
            return _thaw(found)
        request._northstar_page_key = key  # type: ignore[attr-defined]
        return None


def page_key(request: HttpRequest) -> str | None:
    """The key of this request's answer, or None when it must not be remembered."""
    caller = _caller(request)
    if caller is None:
        return None
    database = settings.DATABASES["default"]
    parts = (
        database["NAME"],
        database.get("HOST"),
        revisions.stamp(caller.workspace, number=caller.revision),
        caller.user_id,
        caller.role,
        caller.how,
        caller.language,
        today().isoformat(),
        request.get_full_path(),
        sorted((k, v) for k, v in request.headers.items() if k.lower().startswith("hx-")),
    )
    return "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


@dataclass(frozen=True)
class Caller:
    """Who asks, as far as a remembered answer depends on it. Their teams and rights are not here: they are rows
    of the workspace, so the revision moves when they change."""

    user_id: int
    workspace: Workspace
    role: str
    how: tuple[Any, ...]
    language: str
    revision: int | None  # the workspace's committed revision, read with the caller; None: not read yet


def _caller(request: HttpRequest) -> Caller | None:
    authorization = request.headers.get("Authorization", "")
    if authorization:
        scheme, _space, raw = authorization.partition(" ")
        token = (
            usable_token(raw.strip(), caller_role=_role_of_user(), caller_revision=revisions.number_of())
            if scheme.lower() == "bearer"
            else None
        )
        if token is None or token.scope:
            return None  # unknown tokens and single-use tokens get the API's own answer
        role = token.caller_role  # type: ignore[attr-defined]
        language = token.user.language or request.LANGUAGE_CODE  # type: ignore[attr-defined]
        return (
            Caller(
                token.user_id,
                token.workspace,
                role,
                ("token", token.read_only),
                language,
                token.caller_revision or 0,  # type: ignore[attr-defined]
            )
            if role
            else None
        )
    if not request.user.is_authenticated or len(messages.get_messages(request)):
        return None
    # The page carries a CSRF token made from this secret. Without a valid cookie the secret is new and sent with
    # the answer: a stored page would then carry a token the next browser cannot use.
    csrf_secret = request.META.get("CSRF_COOKIE")
    if not csrf_secret or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return None
    how = ("session", csrf_secret)
    language: str = request.LANGUAGE_CODE  # type: ignore[attr-defined]
    membership = session_membership(request, caller_revision=revisions.number_of())
    if membership is not None:
        revision = membership.caller_revision or 0  # type: ignore[attr-defined]
        return Caller(request.user.pk, membership.workspace, membership.role, how, language, revision)
    actor = request_actor(request)  # picks the workspace when the session has none (yet)
    if actor is None or not actor.is_member:
        return None
    return Caller(request.user.pk, actor.workspace, actor.role or "", how, language, None)


def _role_of_user() -> Subquery:
    """The role in the token's workspace of the token's user, as an annotation; None when not a member."""
    return Subquery(
        Membership.objects.filter(workspace_id=OuterRef("workspace_id"), user_id=OuterRef("user_id")).values(
            "role"
        )[:1]
    )


def _storable(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and len(response.content) <= LARGEST
    )


def _freeze(response: HttpResponse) -> tuple[int, bytes, list[tuple[str, str]]]:
    return response.status_code, response.content, list(response.headers.items())


def _thaw(frozen: tuple[int, bytes, list[tuple[str, str]]]) -> HttpResponse:
    status, content, headers = frozen
    return HttpResponse(content, status=status, headers=dict(headers))
