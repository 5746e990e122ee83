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
from northstar.workspaces.web import int_param, workspace_view

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


@workspace_view("editor")
@require_POST
def key_result_source(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """Bind, refresh or remove a key result's live data source (the key result's page)."""
    from northstar.integrations import sources

    back = reverse("key-result", args=[pk]) + "#live-source"
    if request.POST.get("remove"):
        sources.remove_source(actor, pk)
        messages.success(request, _("The key result no longer updates itself."))
        return HttpResponseRedirect(back)
    if request.POST.get("refresh"):
        source = sources.refresh(actor, pk)
        if source.last_error:
            messages.error(request, source.last_error)
        else:
            messages.success(request, _("Refreshed: %(value)s.") % {"value": f"{source.last_value:g}"})
        return HttpResponseRedirect(back)
    try:
        sources.set_source(
            actor, pk, kind=request.POST.get("kind", ""), url=request.POST.get("url", ""),
            json_path=request.POST.get("json_path", ""), query=request.POST.get("query", ""),
            every_minutes=int_param(request.POST.get("every_minutes")) or 60,
        )  # fmt: skip
    except ValidationFailed as exc:
        messages.error(request, exc.sentence())
    else:
        messages.success(request, _("Live data source saved. Refresh it to read a value now."))
    return HttpResponseRedirect(back)


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar feed a calendar app subscribes to (its address carries a signed token, no session)."""
    from django.http import Http404

    from northstar.integrations.calendar import actor_of_token, calendar
    from northstar.workspaces.errors import NotFound

    try:
        actor, team_id = actor_of_token(token)
        text = calendar(actor, team_id)
    except NotFound as exc:
        raise Http404 from exc
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="northstar.ics"'
    return response


@workspace_view()
def calendar_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    from northstar.integrations.calendar import feed_url
    from northstar.workspaces.models import Team

    teams = list(Team.objects.restrict(actor).order_by("name"))
    feeds = [(None, feed_url(actor, None))] + [(t, feed_url(actor, t.pk)) for t in teams]
    return render(request, "integrations/calendar.html", {"feeds": feeds})
