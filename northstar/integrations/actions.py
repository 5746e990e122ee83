"""Writes of the integrations: webhooks (admins), values posted for key results, live data sources."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlparse

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from northstar.integrations import events
from northstar.integrations.models import InboundValue, Webhook
from northstar.okrs import actions as okr_actions
from northstar.okrs.models import CheckIn, KeyResult
from northstar.workspaces import audit
from northstar.workspaces.errors import FieldError, ValidationFailed
from northstar.workspaces.permissions import CHANGE, Actor, access


def _check_hook(name: str, url: str, chosen: Iterable[str]) -> list[str]:
    errors = []
    if not name.strip():
        errors.append(FieldError("name", _("Name the webhook after what receives it.")))
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        errors.append(FieldError("url", _("Enter an http:// or https:// address.")))
    listed = list(dict.fromkeys(chosen))
    unknown = [e for e in listed if e not in events.EVENTS or e == "ping"]
    if unknown:
        errors.append(FieldError("events", _("No such event: %(events)s.") % {"events": ", ".join(unknown)}))
    elif not listed:
        errors.append(FieldError("events", _("Choose at least one event.")))
    if errors:
        raise ValidationFailed(errors)
    return listed


@transaction.atomic
def create_webhook(actor: Actor, *, name: str, url: str, events: Iterable[str]) -> Webhook:
    actor.require("admin")
    chosen = _check_hook(name, url, events)
    hook = Webhook.objects.create(
        workspace=actor.workspace, name=name.strip(), url=url.strip(), events=chosen,
        secret=secrets.token_hex(24), created_by=actor.user,
    )  # fmt: skip
    audit.record(actor, "create", hook, after={"name": hook.name, "url": hook.url, "events": chosen})
    return hook


@transaction.atomic
def update_webhook(actor: Actor, webhook_id: int, **changes: Any) -> Webhook:
    actor.require("admin")
    hook = access(Webhook.objects, actor, webhook_id, CHANGE)
    before = {"name": hook.name, "url": hook.url, "events": hook.events, "active": hook.active}
    chosen = _check_hook(
        changes.get("name", hook.name), changes.get("url", hook.url), changes.get("events", hook.events)
    )
    hook.name = changes.get("name", hook.name).strip()
    hook.url = changes.get("url", hook.url).strip()
    hook.events = chosen
    hook.active = bool(changes.get("active", hook.active))
    hook.save()
    audit.record(actor, "update", hook, before=before,
                 after={"name": hook.name, "url": hook.url, "events": hook.events, "active": hook.active})  # fmt: skip
    return hook  # type: ignore[no-any-return]


@transaction.atomic
def delete_webhook(actor: Actor, webhook_id: int) -> None:
    actor.require("admin")
    hook = access(Webhook.objects, actor, webhook_id, CHANGE)
    audit.record(actor, "delete", hook, before={"name": hook.name, "url": hook.url})
    hook.delete()


@transaction.atomic
def test_webhook(actor: Actor, webhook_id: int) -> int:
    """Send a "ping" to one webhook (its log shows how it went)."""
    actor.require("admin")
    hook = access(Webhook.objects, actor, webhook_id, CHANGE)
    from django.utils import timezone

    from northstar.integrations.webhooks import send_soon

    delivery_id = events.record(
        actor.workspace, hook, "ping", {"message": "Hello from northstar"}, timezone.now()
    )
    transaction.on_commit(lambda: send_soon(delivery_id))
    return delivery_id


def post_value(
    actor: Actor,
    key_result_id: int,
    *,
    value: float,
    idempotency_key: str,
    confidence: float | None = None,
    comment: str = "",
) -> tuple[CheckIn, bool]:
    """Record a value sent by a feed, once per idempotency key: (the check-in, whether it is new). The same key
    again answers with the first check-in and records nothing."""
    key = idempotency_key.strip()
    if not key or len(key) > 120:
        raise ValidationFailed.one(
            "idempotency_key", _("Send an Idempotency-Key header of 1 to 120 characters.")
        )
    seen = (
        InboundValue.objects.filter(workspace=actor.workspace, idempotency_key=key)
        .select_related("check_in")
        .first()
    )
    if seen is not None:
        if seen.key_result_id != int(key_result_id):
            raise ValidationFailed.one(
                "idempotency_key", _("This key was already used for another key result.")
            )
        if seen.check_in is not None:
            return seen.check_in, False
    try:
        with transaction.atomic():
            kr = access(KeyResult.objects, actor, key_result_id)
            check_in = okr_actions.do_check_in(actor, kr.pk, value=value, confidence=confidence, comment=comment,
                                               source="api")  # fmt: skip
            InboundValue.objects.create(
                workspace=actor.workspace, key_result=kr, idempotency_key=key, check_in=check_in
            )
    except IntegrityError:  # the same key, sent twice at once: the other request won
        seen = InboundValue.objects.select_related("check_in").get(
            workspace=actor.workspace, idempotency_key=key
        )
        return seen.check_in, False  # type: ignore[return-value]
    return check_in, True
