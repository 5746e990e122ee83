"""REST API plumbing shared by every app (who is asking, paging) and the endpoints for people, teams and tokens.

Each request is authenticated either by a bearer API token (bound to one workspace) or by the browser's Django
session (the session's current workspace; CSRF is enforced for writes). Either way `request.auth` is the Actor
that endpoints hand to queries and actions.
"""

import re
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from northstar.workspaces import actions
from northstar.workspaces.errors import PermissionDenied
from northstar.workspaces.middleware import request_actor
from northstar.workspaces.models import ApiToken, Membership, Team, TeamMember, Workspace
from northstar.workspaces.permissions import Actor, access
from northstar.workspaces.schemas import (
    ConflictOut,
    ErrorOut,
    MemberPage,
    MeOut,
    PageQuery,
    TeamIn,
    TeamOut,
    TeamPage,
    TeamPatch,
    TokenCreatedOut,
    TokenIn,
    TokenPage,
)

# --- authentication -------------------------------------------------------------------------------------------


class CsrfFailed(HttpError):
    def __init__(self) -> None:
        super().__init__(403, "CSRF check failed")


KR_VALUES_PATH = re.compile(r"^/api/v1/key-results/\d+/values$")


class BearerTokenAuth(HttpBearer):
    """`Authorization: Bearer ns_…`: a token acts in its own workspace; read-only tokens cannot write."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.headers.get(self.header):
            return None  # no token: let the session try
        actor = super().__call__(request)
        if actor is None:
            # A token was sent but it is unknown, revoked or expired: never fall back to the session.
            raise AuthenticationError()
        return actor

    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        found = actions.authenticate_token(token.strip())
        if found is None:
            return None
        user, actor = found
        if actor.scope == "kr_values" and not (
            request.method == "POST" and KR_VALUES_PATH.match(request.path)
        ):  # a token made for posting values opens nothing else
            raise PermissionDenied(_("This token may only post values to key results."))
        if user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()  # type: ignore[attr-defined]
        request.northstar_via_token = True  # type: ignore[attr-defined]
        return actor


class BrowserSessionAuth(APIKeyCookie):
    """The signed-in browser session, in the session's current workspace. Writes need the CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None  # 401, even for a write without a CSRF token
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise CsrfFailed()
        return self.authenticate(request, None)

    def _get_key(self, request: HttpRequest) -> str | None:
        return None

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor:
        actor = request_actor(request)
        if actor is None:
            # Signed in but a member of no workspace: sees nothing, finds nothing.
            actor = Actor(user=request.user, workspace=Workspace(name=""), role=None)  # type: ignore[arg-type]
        return actor


AUTH = [BearerTokenAuth(), BrowserSessionAuth()]


def actor_of(request: HttpRequest) -> Actor:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def via_token(request: HttpRequest) -> bool:
    return getattr(request, "northstar_via_token", False)


# --- paging and documented errors -----------------------------------------------------------------------------


def paginate(qs: QuerySet[Any], page: PageQuery) -> tuple[int, list[Any]]:
    """The total and one page, in two queries."""
    return qs.count(), list(qs[page.offset : page.offset + page.limit])


def page_of[T](rows: Sequence[T], page: PageQuery, out: Callable[[T], Any]) -> dict[str, Any]:
    """One page of rows worked out in memory, as the API answers a list: the total and the page's items."""
    return {"count": len(rows), "items": [out(r) for r in rows[page.offset : page.offset + page.limit]]}


ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {**ERRORS, 409: ConflictOut}


# --- endpoints ------------------------------------------------------------------------------------------------

router = Router(tags=["workspace"])


@router.get(
    "/me", response={200: MeOut, **ERRORS}, summary="Who is asking, in which workspace, with which role"
)
def me(request: HttpRequest) -> dict[str, Any]:
    actor = actor_of(request)
    user = actor.user
    assert user is not None
    workspace = actor.workspace if actor.is_member else None
    return {
        "user": {"id": user.pk, "email": user.email, "name": user.name, "language": user.language},
        "workspace": workspace,
        "role": actor.role,
        "teams": sorted(actor.team_ids),
        "read_only": actor.read_only,
        "via_token": via_token(request),
    }


@router.get(
    "/members", response={200: MemberPage, **ERRORS}, summary="Members of the workspace with their role"
)
def list_members(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    actor = actor_of(request)
    qs = Membership.objects.restrict(actor).select_related("user").order_by("user__name", "user__email", "id")
    count, memberships = paginate(qs, page)
    teams: dict[int, list[int]] = {}
    user_ids = [m.user_id for m in memberships]
    for user_id, team_id in (
        TeamMember.objects.restrict(actor)
        .filter(user_id__in=user_ids)
        .order_by("team_id")
        .values_list("user_id", "team_id")
    ):
        teams.setdefault(user_id, []).append(team_id)
    items = [
        {
            "id": m.pk,
            "user": m.user_id,
            "email": m.user.email,
            "name": m.user.name,
            "role": m.role,
            "teams": teams.get(m.user_id, []),
        }
        for m in memberships
    ]
    return {"count": count, "items": items}


# Teams


@router.get("/teams", response={200: TeamPage, **ERRORS}, tags=["teams"], summary="List teams")
def list_teams(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    count, items = paginate(Team.objects.restrict(actor_of(request)).order_by("name", "id"), page)
    return {"count": count, "items": items}


@router.get("/teams/{int:id}", response={200: TeamOut, **ERRORS}, tags=["teams"], summary="One team")
def get_team(request: HttpRequest, id: int) -> Team:
    return access(Team.objects, actor_of(request), id)  # type: ignore[no-any-return]


@router.post("/teams", response={201: TeamOut, **ERRORS}, tags=["teams"], summary="Create a team (admins)")
def create_team(request: HttpRequest, payload: TeamIn) -> Status[Team]:
    return Status(201, actions.create_team(actor_of(request), **payload.model_dump()))


@router.patch(
    "/teams/{int:id}",
    response={200: TeamOut, **WRITE_ERRORS},
    tags=["teams"],
    summary="Change a team (admins)",
)
def update_team(request: HttpRequest, id: int, payload: TeamPatch) -> Team:
    return actions.update_team(actor_of(request), id, expected_version=payload.version, **payload.changes())


@router.delete(
    "/teams/{int:id}", response={204: None, **ERRORS}, tags=["teams"], summary="Delete an empty team (admins)"
)
def delete_team(request: HttpRequest, id: int) -> Status[None]:
    actions.delete_team(actor_of(request), id)
    return Status(204, None)


# API tokens


def _own_tokens(actor: Actor) -> QuerySet[ApiToken]:
    return ApiToken.objects.restrict(actor).filter(user_id=actor.user_id)  # type: ignore[no-any-return]


@router.get(
    "/tokens",
    response={200: TokenPage, **ERRORS},
    tags=["tokens"],
    summary="Your API tokens (never the secret)",
)
def list_tokens(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    count, items = paginate(_own_tokens(actor_of(request)).order_by("-created_at", "-id"), page)
    return {"count": count, "items": items}


@router.post(
    "/tokens",
    response={201: TokenCreatedOut, **ERRORS},
    tags=["tokens"],
    summary="Create an API token",
    description="Only from a signed-in browser session. The response holds the secret; it is never shown again.",
)
def create_token(request: HttpRequest, payload: TokenIn) -> Status[dict[str, Any]]:
    if via_token(request):
        raise PermissionDenied(_("API tokens cannot create API tokens. Sign in to create one."))
    token, secret = actions.create_api_token(actor_of(request), **payload.model_dump())
    return Status(201, _token_created(token, secret))


def _token_created(token: ApiToken, secret: str) -> dict[str, Any]:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "read_only": token.read_only,
        "created_at": token.created_at,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
        "last_used_at": token.last_used_at,
        "secret": secret,
    }


@router.delete(
    "/tokens/{int:id}", response={204: None, **ERRORS}, tags=["tokens"], summary="Revoke an API token"
)
def revoke_token(request: HttpRequest, id: int) -> Status[None]:
    actions.revoke_api_token(actor_of(request), id)
    return Status(204, None)
