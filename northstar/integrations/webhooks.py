"""Sending webhook deliveries: signed with HMAC-SHA256, retried with exponential backoff by background tasks.

A delivery is one POST of its JSON payload to the hook's address with the headers ``X-Northstar-Event``,
``X-Northstar-Delivery`` and ``X-Northstar-Signature: sha256=<hex>`` — the HMAC-SHA256 of the exact body with the
hook's secret. Any 2xx answer delivers it; anything else (another status, a timeout, a refused connection) is
retried after 30 s, 1 min, 2 min, 4 min…, at most ``MAX_ATTEMPTS`` times, then marked failed. Every attempt's
answer is kept on the delivery, for the hook's log."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import urllib.error
import urllib.request
from typing import Any

from django.tasks import default_task_backend, task
from django.utils import timezone

from northstar.integrations.models import DeliveryStatus, WebhookDelivery

MAX_ATTEMPTS = 6
FIRST_RETRY = dt.timedelta(seconds=30)
TIMEOUT_SECONDS = 10
USER_AGENT = "northstar-webhooks/1"


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def backoff(attempts: int) -> dt.timedelta:
    """How long to wait after the ``attempts``-th failed attempt: 30 s, 1 min, 2 min, 4 min, …"""
    return FIRST_RETRY * (2 ** max(0, attempts - 1))


def body_of(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def attempt(delivery: WebhookDelivery, now: dt.datetime | None = None) -> WebhookDelivery:
    """Try to deliver once, and record what happened (the next attempt's time when it should be retried)."""
    now = now or timezone.now()
    hook = delivery.webhook
    body = body_of(delivery)
    request = urllib.request.Request(
        hook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Northstar-Event": delivery.event,
            "X-Northstar-Delivery": str(delivery.pk),
            "X-Northstar-Signature": signature(hook.secret, body),
        },
    )
    delivery.attempts += 1
    code: int | None = None
    error = ""
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (an admin's address)
            code = response.status
    except urllib.error.HTTPError as exc:
        code, error = exc.code, str(exc.reason)[:300]
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        error = str(getattr(exc, "reason", exc))[:300]
    delivery.response_code = code
    delivery.error = error
    if code is not None and 200 <= code < 300:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = DeliveryStatus.DELIVERED, now, None
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
    else:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.PENDING, now + backoff(delivery.attempts)
    delivery.save(
        update_fields=["attempts", "response_code", "error", "status", "delivered_at", "next_attempt_at"]
    )
    return delivery


@task
def deliver(delivery_id: int) -> str:
    """The background task: one attempt, and the next one booked when the backend can wait (else the worker's
    sweep, ``retry_due``, picks it up)."""
    delivery = WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != DeliveryStatus.PENDING:
        return "gone"
    attempt(delivery)
    if (
        delivery.status == DeliveryStatus.PENDING
        and delivery.next_attempt_at
        and default_task_backend.supports_defer
    ):
        deliver.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)
    return str(delivery.status)


def send_soon(delivery_id: int) -> None:
    deliver.enqueue(delivery_id)


def retry_due(now: dt.datetime | None = None) -> list[Any]:
    """Attempt every pending delivery whose time has come (the worker runs this; tests call it)."""
    now = now or timezone.now()
    due = WebhookDelivery.objects.select_related("webhook").filter(
        status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    )
    return [attempt(d, now) for d in due.order_by("next_attempt_at", "id")]
