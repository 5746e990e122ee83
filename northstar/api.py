"""The REST API at /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs).

Every error has one shape, in the language of the request:
`{"detail": "<sentence>", "errors": [{"field": "<name>", "message": "<sentence>"}]}` (409 adds `current_version`).
"""

from collections.abc import Sequence
from typing import Any

from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver, re_path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestInvalid

from northstar.coach.api import router as coach_router
from northstar.exchange.api import router as exchange_router
from northstar.insights.api import router as insights_router
from northstar.insights.api_progress import router as progress_router
from northstar.insights.api_scores import router as scores_router
from northstar.integrations.api import router as integrations_router
from northstar.okrs.api import router as okrs_router
from northstar.roadmap.api import router as roadmap_router
from northstar.roadmap.api_scenarios import router as scenarios_router
from northstar.workspaces.api import AUTH, CsrfFailed
from northstar.workspaces.api import router as workspaces_router
from northstar.workspaces.errors import NotFound, PermissionDenied, StaleVersion, ValidationFailed

DESCRIPTION = """
Objectives, key results and check-ins of one workspace.

**Authentication.** Scripts send an API token: `Authorization: Bearer ns_…` (create one at `POST /tokens` from
a signed-in browser session; a token acts in its own workspace, and a read-only token cannot write). The browser
uses its session; writes then need the `X-CSRFToken` header.

**Errors** always look like `{"detail": "…", "errors": [{"field": "target", "message": "…"}]}`, translated
by `Accept-Language`. A stale `version` on a change gives 409 with `current_version`.

**Lists** are pages: `{"count": N, "items": […]}` with `limit` (default 50, at most 500) and `offset`.

**Webhooks** (admins: `/webhooks`) receive `POST`s with the JSON body
`{"event": "<name>", "id": <delivery id>, "workspace": "<slug>", "at": "<ISO time>", "data": {…}}` and the headers
`X-Northstar-Event`, `X-Northstar-Delivery` and `X-Northstar-Signature: sha256=<hex>` (HMAC-SHA256 of the raw body
with the hook's secret). Events and their `data`: `check_in.recorded` (key_result, title, value, confidence, by,
source), `key_result.status_changed` (key_result, title, before, after), `objective.closed` (objective, title),
`work_item.done` (work_item, key, title), `work_item.slipped` (work_item, key, title, before, after, days),
`review.published` (review, kind, period, team), `ping` (message). `GET /webhooks/events` gives an example of
each. A non-2xx answer is retried after 30 s, 1, 2, 4 and 8 minutes, then the delivery is marked failed.

**Feeds** post values with a token made for that use only (`scope: kr_values`):
`POST /key-results/{id}/values` with an `Idempotency-Key` header; the same key twice records one check-in.
"""


class NorthstarAPI(NinjaAPI):
    def _get_urls(self) -> list[URLPattern | URLResolver]:
        # Unknown addresses under /api/v1/ get the JSON 404 too, not Django's HTML page.
        # Exempt from CSRF: it changes nothing, and a write to an unknown address gets the 404, not Django's 403 page.
        return [*super()._get_urls(), re_path(r"^[\s\S]*$", csrf_exempt(self._not_found))]

    def _not_found(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.on_exception(request, NotFound())


api = NorthstarAPI(title="northstar", version="1", urls_namespace="api", description=DESCRIPTION, auth=AUTH)
api.add_router("", workspaces_router)
api.add_router("", okrs_router)
api.add_router("", roadmap_router)
api.add_router("", scenarios_router)
api.add_router("", insights_router)
api.add_router("", scores_router)
api.add_router("", progress_router)
api.add_router("", coach_router)
api.add_router("", exchange_router)
api.add_router("", integrations_router)


# --- errors ---------------------------------------------------------------------------------------------------

INVALID = _("Some values are not valid; see the errors for each field.")


def error(
    request: HttpRequest, status: int, detail: Any, errors: Sequence[tuple[str, Any]] = (), **extra: Any
) -> HttpResponse:
    body = {"detail": str(detail), "errors": [{"field": f, "message": str(m)} for f, m in errors], **extra}
    return api.create_response(request, body, status=status)


@api.exception_handler(ValidationFailed)
def on_validation_failed(request: HttpRequest, exc: ValidationFailed) -> HttpResponse:
    return error(request, 422, INVALID, [(e.field, e.message) for e in exc.errors])


@api.exception_handler(OverflowError)
def on_overflow(request: HttpRequest, exc: Exception) -> HttpResponse:
    # a number larger than the database stores (an id of 30 digits, say): the client's mistake, not ours
    return error(request, 422, INVALID, [("body", _("A number is too large."))])


api.add_exception_handler(DataError, on_overflow)


@api.exception_handler(IntegrityError)
def on_integrity_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error(
        request,
        409,
        _("This conflicts with what is stored (it may have changed meanwhile); reload and try again."),
    )


@api.exception_handler(NotFound)
def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error(request, 404, _("There is nothing here, or you do not have access to it."))


api.add_exception_handler(Http404, on_not_found)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    detail = exc.args[0] if exc.args and exc.args[0] else _("You do not have permission to do this.")
    return error(request, 403, detail)


@api.exception_handler(StaleVersion)
def on_stale_version(request: HttpRequest, exc: StaleVersion) -> HttpResponse:
    message = _("Someone else changed this; it is now at version %(version)d.") % {
        "version": exc.current_version
    }
    return error(request, 409, exc, [("version", message)], current_version=exc.current_version)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error(
        request, 401, _("Sign in, or send an API token in the header “Authorization: Bearer ns_…”.")
    )
    response["WWW-Authenticate"] = 'Bearer realm="northstar"'
    return response


@api.exception_handler(CsrfFailed)
def on_csrf_failed(request: HttpRequest, exc: CsrfFailed) -> HttpResponse:
    return error(
        request,
        403,
        _("The CSRF check failed: a browser session must send the X-CSRFToken header when it writes."),
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:  # ninja could not parse the body
        return error(
            request, 400, _("The request body is not valid JSON."), [("body", _("Send a JSON object."))]
        )
    return error(request, exc.status_code, str(exc))


# Pydantic's error types, told in the words (and msgids) of Django's own forms where they exist.
MESSAGES = {
    "missing": _("This field is required."),
    "float_parsing": _("Enter a number."),
    "float_type": _("Enter a number."),
    "finite_number": _("Enter a number."),
    "int_parsing": _("Enter a whole number."),
    "int_type": _("Enter a whole number."),
    "int_from_float": _("Enter a whole number."),
    "date_parsing": _("Enter a valid date."),
    "date_type": _("Enter a valid date."),
    "date_from_datetime_parsing": _("Enter a valid date."),
    "date_from_datetime_inexact": _("Enter a valid date."),
    "datetime_parsing": _("Enter a valid date/time."),
    "datetime_type": _("Enter a valid date/time."),
    "datetime_from_date_parsing": _("Enter a valid date/time."),
    "bool_parsing": _("Enter true or false."),
    "bool_type": _("Enter true or false."),
    "string_type": _("Enter text."),
    "list_type": _("Enter a list."),
    "model_type": _("Send a JSON object."),
    "model_attributes_type": _("Send a JSON object."),
    "dict_type": _("Send a JSON object."),
    "extra_forbidden": _("This field is not known here."),
    "json_invalid": _("The request body is not valid JSON."),
}


def field_name(loc: tuple[Any, ...]) -> str:
    """("body", "payload", "key_results", 0, "target") → "key_results[0].target"; ("query", "limit") → "limit"."""
    parts = list(loc[1:])
    if loc and loc[0] == "body" and parts and parts[0] == "payload":
        parts = parts[1:]
    name = ""
    for part in parts:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or str(loc[0] if loc else "body")


def field_message(item: dict[str, Any]) -> str:
    kind, ctx = item.get("type", ""), item.get("ctx") or {}
    if kind in MESSAGES:
        return str(MESSAGES[kind])
    if kind in ("literal_error", "enum"):
        return gettext("Choose one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind == "greater_than_equal":
        return gettext("Ensure this value is greater than or equal to %(limit_value)s.") % {
            "limit_value": ctx["ge"]
        }
    if kind == "less_than_equal":
        return gettext("Ensure this value is less than or equal to %(limit_value)s.") % {
            "limit_value": ctx["le"]
        }
    if kind == "string_too_long":
        return gettext("Use at most %(n)d characters.") % {"n": ctx.get("max_length", 0)}
    return str(item.get("msg", ""))


@api.exception_handler(RequestInvalid)
def on_request_invalid(request: HttpRequest, exc: RequestInvalid) -> HttpResponse:
    errors = [(field_name(tuple(item.get("loc", ()))), field_message(item)) for item in exc.errors]
    if any(
        item.get("loc") in (("body", "payload"),) and item.get("type") == "missing" for item in exc.errors
    ):
        errors = [("body", _("Send a JSON object."))]
    return error(request, 422, INVALID, errors)


class MethodNotAllowedAsJson:
    """Django answers a wrong method with an empty 405; under /api/ it gets the API's error shape instead."""

    def __init__(self, get_response: Any):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response: HttpResponse = self.get_response(request)
        if response.status_code != 405 or not request.path.startswith("/api/"):
            return response
        allowed = response.get("Allow", "")
        detail = _("This address does not accept %(method)s; use %(allowed)s.") % {
            "method": request.method,
            "allowed": allowed,
        }
        answer = JsonResponse({"detail": str(detail), "errors": []}, status=405)
        answer["Allow"] = allowed
        return answer
