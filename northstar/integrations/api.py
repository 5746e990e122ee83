"""REST endpoints for webhooks (admins), values posted by feeds, and live data sources of key results.

Webhook payloads: every delivery is `{"event", "id", "workspace", "at", "data"}`; `GET /webhooks/events` lists the
events with an example `data` each. The signature header is `X-Northstar-Signature: sha256=<hex>`, the
HMAC-SHA256 of the raw body with the hook's secret."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Header, Query, Router, Schema, Status

from northstar.integrations import actions, sources
from northstar.integrations.events import EVENTS
from northstar.integrations.models import LiveSource, Webhook, WebhookDelivery
from northstar.workspaces.api import ERRORS, WRITE_ERRORS, actor_of, paginate
from northstar.workspaces.permissions import access
from northstar.workspaces.schemas import InputSchema, PageQuery

router = Router(tags=["integrations"])


class EventOut(Schema):
    name: str
    description: str
    example: dict[str, Any] = Field(description="An example of the delivery's `data`.")


class WebhookIn(InputSchema):
    name: str
    url: str
    events: list[str]


class WebhookPatch(InputSchema):
    name: str = None  # type: ignore[assignment]
    url: str = None  # type: ignore[assignment]
    events: list[str] = None  # type: ignore[assignment]
    active: bool = None  # type: ignore[assignment]


class WebhookOut(Schema):
    id: int
    name: str
    url: str
    events: list[str]
    active: bool
    secret: str = Field(description="Signs every delivery (admins only see webhooks at all).")


class DeliveryOut(Schema):
    id: int
    event: str
    status: str
    attempts: int
    response_code: int | None
    error: str
    next_attempt_at: dt.datetime | None
    created_at: dt.datetime
    delivered_at: dt.datetime | None
    payload: dict[str, Any]


class ValueIn(InputSchema):
    value: float
    confidence: float | None = Field(None, ge=0, le=1)
    comment: str = Field("", max_length=2000)


class ValueOut(Schema):
    check_in: int
    key_result: int
    value: float
    created: bool = Field(
        description="False when this idempotency key was seen before: nothing was recorded."
    )


class SourceIn(InputSchema):
    kind: Literal["http_json", "sql", "done_share", "done_count"]
    url: str = ""
    json_path: str = Field("", description="Dotted path into the JSON answer, e.g. data.items[0].value")
    query: str = Field(
        "", description="One SELECT returning one number (read-only database: NORTHSTAR_SOURCE_DATABASE_URL)."
    )
    every_minutes: int = Field(60, ge=5, le=10080)


class SourceOut(Schema):
    key_result: int
    kind: str
    url: str
    json_path: str
    query: str
    every_minutes: int
    last_refreshed_at: dt.datetime | None
    last_value: float | None
    last_error: str


def _hook(h: Webhook) -> dict[str, Any]:
    return {
        "id": h.pk,
        "name": h.name,
        "url": h.url,
        "events": h.events,
        "active": h.active,
        "secret": h.secret,
    }


def _source(s: LiveSource) -> dict[str, Any]:
    return {
        "key_result": s.key_result_id, "kind": s.kind, "url": s.url, "json_path": s.json_path, "query": s.query,
        "every_minutes": s.every_minutes, "last_refreshed_at": s.last_refreshed_at, "last_value": s.last_value,
        "last_error": s.last_error,
    }  # fmt: skip


@router.get(
    "/webhooks/events", response={200: list[EventOut], **ERRORS}, summary="What webhooks can hear about"
)
def list_events(request: HttpRequest) -> list[dict[str, Any]]:
    actor_of(request)
    return [
        {"name": n, "description": str(label), "example": example} for n, (label, example) in EVENTS.items()
    ]


@router.get("/webhooks", response={200: list[WebhookOut], **ERRORS}, summary="Webhooks (admins)")
def list_webhooks(request: HttpRequest) -> list[dict[str, Any]]:
    actor = actor_of(request)
    actor.require("admin")
    return [_hook(h) for h in Webhook.objects.restrict(actor).order_by("name", "id")]


@router.post("/webhooks", response={201: WebhookOut, **WRITE_ERRORS}, summary="Add a webhook (admins)")
def create_webhook(request: HttpRequest, payload: WebhookIn) -> Status[dict[str, Any]]:
    return Status(201, _hook(actions.create_webhook(actor_of(request), **payload.model_dump())))


@router.patch("/webhooks/{int:id}", response={200: WebhookOut, **WRITE_ERRORS}, summary="Change a webhook")
def update_webhook(request: HttpRequest, id: int, payload: WebhookPatch) -> dict[str, Any]:
    changes = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    return _hook(actions.update_webhook(actor_of(request), id, **changes))


@router.delete("/webhooks/{int:id}", response={204: None, **WRITE_ERRORS}, summary="Delete a webhook")
def delete_webhook(request: HttpRequest, id: int) -> Status[None]:
    actions.delete_webhook(actor_of(request), id)
    return Status(204, None)


class DeliveryPage(Schema):
    count: int
    items: list[DeliveryOut]


@router.get(
    "/webhooks/{int:id}/deliveries",
    response={200: DeliveryPage, **ERRORS},
    summary="A webhook's log, newest first",
)
def deliveries(request: HttpRequest, id: int, page: Query[PageQuery]) -> dict[str, Any]:
    actor = actor_of(request)
    actor.require("admin")
    hook = access(Webhook.objects, actor, id)
    count, items = paginate(
        WebhookDelivery.objects.restrict(actor).filter(webhook=hook).order_by("-id"), page
    )
    return {"count": count, "items": items}


@router.post("/webhooks/{int:id}/test", response={202: dict[str, int], **WRITE_ERRORS}, summary="Send a ping")
def test_webhook(request: HttpRequest, id: int) -> Status[dict[str, int]]:
    return Status(202, {"delivery": actions.test_webhook(actor_of(request), id)})


@router.post(
    "/key-results/{int:id}/values",
    response={200: ValueOut, 201: ValueOut, **WRITE_ERRORS},
    summary="Post a value for a key result (a feed; once per Idempotency-Key)",
    description="Works with a token made for this use only (scope kr_values). The same Idempotency-Key twice "
    "records one check-in: the second answer is 200 with created=false.",
)
def post_value(
    request: HttpRequest, id: int, payload: ValueIn, idempotency_key: Header[str] = ""
) -> Status[dict[str, Any]]:
    check_in, created = actions.post_value(
        actor_of(request), id, value=payload.value, idempotency_key=idempotency_key,
        confidence=payload.confidence, comment=payload.comment,
    )  # fmt: skip
    body = {
        "check_in": check_in.pk,
        "key_result": check_in.key_result_id,
        "value": check_in.value,
        "created": created,
    }
    return Status(201 if created else 200, body)


@router.get(
    "/key-results/{int:id}/source", response={200: SourceOut, **ERRORS}, summary="A key result's live source"
)
def get_source(request: HttpRequest, id: int) -> dict[str, Any]:
    return _source(sources.source_of(actor_of(request), id))


@router.put(
    "/key-results/{int:id}/source", response={200: SourceOut, **WRITE_ERRORS}, summary="Bind a live source"
)
def set_source(request: HttpRequest, id: int, payload: SourceIn) -> dict[str, Any]:
    return _source(sources.set_source(actor_of(request), id, **payload.model_dump()))


@router.delete("/key-results/{int:id}/source", response={204: None, **WRITE_ERRORS}, summary="Unbind it")
def delete_source(request: HttpRequest, id: int) -> Status[None]:
    sources.remove_source(actor_of(request), id)
    return Status(204, None)


@router.post(
    "/key-results/{int:id}/source/refresh",
    response={200: SourceOut, **WRITE_ERRORS},
    summary="Read the source now (a check-in with source automatic when it gives a value)",
)
def refresh_source(request: HttpRequest, id: int) -> dict[str, Any]:
    return _source(sources.refresh(actor_of(request), id))
