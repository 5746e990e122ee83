"""Admin pages for the workspace's webhooks: list, add, a delivery log per hook, a test button."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from northstar.integrations import actions
from northstar.integrations.events import EVENTS
from northstar.integrations.models import Webhook, WebhookDelivery
from northstar.workspaces.errors import ValidationFailed
from northstar.workspaces.permissions import Actor, access
from northstar.workspaces.web import workspace_view

CHOOSABLE = [(name, label) for name, (label, _example) in EVENTS.items() if name != "ping"]


@workspace_view("admin")
@require_http_methods(["GET", "POST"])
def webhooks(request: HttpRequest, actor: Actor) -> HttpResponse:
    errors: dict[str, str] = {}
    values = {"name": "", "url": "", "events": [name for name, _label in CHOOSABLE]}
    if request.method == "POST":
        values = {"name": request.POST.get("name", ""), "url": request.POST.get("url", ""),
                  "events": request.POST.getlist("events")}  # fmt: skip
        try:
            hook = actions.create_webhook(actor, **values)
        except ValidationFailed as exc:
            errors = {e.field: str(e.message) for e in exc.errors}
        else:
            messages.success(request, _("Webhook added. Its secret signs every delivery."))
            return HttpResponseRedirect(reverse("webhook", args=[hook.pk]))
    hooks = Webhook.objects.restrict(actor).order_by("name", "id")
    return render(
        request,
        "integrations/webhooks.html",
        {"hooks": hooks, "choices": CHOOSABLE, "values": values, "errors": errors},
        status=422 if errors else 200,
    )


@workspace_view("admin")
def webhook(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    hook = access(Webhook.objects, actor, pk)
    deliveries = WebhookDelivery.objects.restrict(actor).filter(webhook=hook).order_by("-id")[:50]
    labels = {name: label for name, (label, _example) in EVENTS.items()}
    return render(
        request,
        "integrations/webhook.html",
        {"hook": hook, "deliveries": deliveries, "events": [(e, labels.get(e, e)) for e in hook.events]},
    )


@workspace_view("admin")
@require_POST
def webhook_test(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    actions.test_webhook(actor, pk)
    messages.info(request, _("A test delivery is on its way; this log shows how it went."))
    return HttpResponseRedirect(reverse("webhook", args=[pk]))


@workspace_view("admin")
@require_POST
def webhook_delete(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    actions.delete_webhook(actor, pk)
    messages.success(request, _("Webhook deleted."))
    return HttpResponseRedirect(reverse("webhooks"))
