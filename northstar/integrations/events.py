"""What a workspace's webhooks hear about, and the one place the rest of northstar says that it happened.

Each event's payload is JSON: ``{"event": …, "id": <delivery id>, "workspace": <slug>, "at": <ISO time>,
"data": {…}}`` with ``data`` as documented in ``EVENTS`` (and in the API's description). An event is recorded as
one delivery per subscribed webhook inside the transaction that did the change, and sent once it commits."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from northstar.workspaces.models import Workspace

EVENTS: dict[str, tuple[Any, dict[str, Any]]] = {
    "check_in.recorded": (
        _("A check-in was recorded"),
        {"key_result": 12, "title": "Raise NPS from 30 to 45", "value": 38.0, "confidence": 0.7, "by": "ann@example.com", "source": "manual"},
    ),
    "key_result.status_changed": (
        _("A key result's status changed"),
        {"key_result": 12, "title": "Raise NPS from 30 to 45", "before": "on_track", "after": "at_risk"},
    ),
    "objective.closed": (_("An objective was closed"), {"objective": 4, "title": "Delight new savers"}),
    "work_item.done": (_("A work item was done"), {"work_item": 31, "key": "billing-cutover", "title": "Billing v2 cut-over"}),
    "work_item.slipped": (
        _("A work item's end moved later"),
        {"work_item": 31, "key": "billing-cutover", "title": "Billing v2 cut-over", "before": "2026-12-10", "after": "2026-12-17", "days": 7},
    ),
    "review.published": (_("A review was published"), {"review": 7, "kind": "monthly", "period": 2, "team": 4}),
    "ping": (_("A test sent from the webhook's page"), {"message": "Hello from northstar"}),
}  # fmt: skip


def listeners(workspace: Workspace) -> list[Any]:
    """The workspace's active webhooks (read once where several events may follow one change)."""
    from northstar.integrations.models import Webhook

    return list(Webhook.objects.filter(workspace=workspace, active=True))


def emit(workspace: Workspace, event: str, data: dict[str, Any], hooks: list[Any] | None = None) -> int:
    """Record ``event`` for every active webhook of the workspace that listens to it (``hooks``: the
    workspace's listeners, when the caller has them already); returns how many."""
    from northstar.integrations.webhooks import send_soon

    hooks = [h for h in (listeners(workspace) if hooks is None else hooks) if event in h.events]
    if not hooks:
        return 0
    now = timezone.now()
    made = [record(workspace, hook, event, data, now) for hook in hooks]
    transaction.on_commit(lambda: [send_soon(pk) for pk in made])
    return len(made)


def record(workspace: Workspace, hook: Any, event: str, data: dict[str, Any], now: Any) -> int:
    """One delivery of ``event`` to ``hook``, waiting to be sent; its payload names its own id."""
    from northstar.integrations.models import WebhookDelivery

    delivery = WebhookDelivery.objects.create(
        workspace=workspace, webhook=hook, event=event, payload={}, next_attempt_at=now
    )
    delivery.payload = {
        "event": event, "id": delivery.pk, "workspace": workspace.slug, "at": now.isoformat(), "data": data,
    }  # fmt: skip
    delivery.save(update_fields=["payload"])
    return delivery.pk


def key_result_status(actor: Any, key_result_id: int) -> str:
    """The status the pages show for a key result today (from its forecast where it has one)."""
    from northstar.okrs.queries import key_result_detail

    view, _check_ins = key_result_detail(actor, key_result_id, today=timezone.localdate())
    return str(view.status.status)
