import datetime as dt
import hashlib
import hmac
import json

import pytest
from django.utils import timezone

from northstar.insights import actions as insight_actions
from northstar.integrations import actions
from northstar.integrations.models import Webhook, WebhookDelivery
from northstar.integrations.webhooks import MAX_ATTEMPTS, backoff, retry_due
from northstar.okrs import actions as okr_actions
from northstar.roadmap import actions as roadmap_actions
from northstar.testing import PERSONAS, call_api, check_persona_call, status_row
from northstar.workspaces.errors import PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db
ALL = ["check_in.recorded", "key_result.status_changed", "objective.closed", "work_item.done",
       "work_item.slipped", "review.published"]  # fmt: skip


def signed(secret, body):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_a_check_in_reaches_the_receiver_signed_and_is_retried_after_a_500(world, loopback):
    boss = world.actor(world.owner)
    hook = actions.create_webhook(
        boss, name="Receiver", url=loopback.url + "/hook", events=["check_in.recorded"]
    )
    okr_actions.do_check_in(boss, world.key_result.pk, value=7, confidence=0.6)
    delivery = WebhookDelivery.objects.get(webhook=hook)
    loopback.answer(500, {"error": "busy"})
    now = timezone.now()
    (first,) = retry_due(now)
    assert (first.status, first.attempts, first.response_code) == ("pending", 1, 500)
    assert first.next_attempt_at == now + dt.timedelta(seconds=30)
    assert retry_due(now + dt.timedelta(seconds=10)) == []  # not due yet
    (second,) = retry_due(now + dt.timedelta(seconds=31))
    assert (second.status, second.attempts, second.response_code) == ("delivered", 2, 200)
    assert len(loopback.received) == 2
    for request in loopback.received:
        assert request["path"] == "/hook" and request["headers"]["X-Northstar-Event"] == "check_in.recorded"
        assert request["headers"]["X-Northstar-Delivery"] == str(delivery.pk)
        assert request["headers"]["X-Northstar-Signature"] == signed(hook.secret, request["body"])
    payload = json.loads(loopback.received[0]["body"])
    assert payload["event"] == "check_in.recorded" and payload["workspace"] == world.workspace.slug
    assert payload["data"]["key_result"] == world.key_result.pk and payload["data"]["value"] == 7
    assert loopback.received[0]["body"] == loopback.received[1]["body"]  # the retry sends the same body


def test_a_receiver_that_keeps_failing_is_given_up_after_the_last_attempt(world, loopback):
    boss = world.actor(world.owner)
    actions.create_webhook(boss, name="Down", url=loopback.url, events=["check_in.recorded"])
    okr_actions.do_check_in(boss, world.key_result.pk, value=3)
    loopback.default = (503, b"{}", 0.0)
    now = timezone.now()
    for n in range(MAX_ATTEMPTS):
        (delivery,) = retry_due(now)
        now = now + backoff(n + 1) + dt.timedelta(seconds=1)
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", MAX_ATTEMPTS, None)
    assert retry_due(now + dt.timedelta(days=1)) == []


def test_an_unreachable_receiver_is_an_error_on_the_delivery_not_a_crash(world):
    boss = world.actor(world.owner)
    actions.create_webhook(boss, name="Nowhere", url="http://127.0.0.1:9/", events=["check_in.recorded"])
    okr_actions.do_check_in(boss, world.key_result.pk, value=3)
    (delivery,) = retry_due()
    assert delivery.status == "pending" and delivery.response_code is None and delivery.error


def test_backoff_doubles():
    assert [backoff(n).total_seconds() for n in range(1, 6)] == [30, 60, 120, 240, 480]


def test_every_event_is_emitted_where_it_happens(world, loopback):
    boss = world.actor(world.owner)
    hook = actions.create_webhook(boss, name="All", url=loopback.url, events=ALL)
    okr_actions.do_check_in(boss, world.key_result.pk, value=20)  # reaches the target: the status changes
    okr_actions.update_objective(boss, world.objective.pk, status="closed")
    item = roadmap_actions.create_work_item(
        boss,
        kind="task",
        title="Ship it",
        team=world.growth.pk,
        start=dt.date(2026, 11, 1),
        end=dt.date(2026, 11, 10),
    )
    roadmap_actions.update_work_item(boss, item.pk, end=dt.date(2026, 11, 17))
    roadmap_actions.update_work_item(boss, item.pk, status="done")
    insight_actions.create_review(
        boss, period=world.quarter.pk, team=world.growth.pk, as_of=dt.date(2026, 11, 25)
    )
    sent = list(WebhookDelivery.objects.filter(webhook=hook).order_by("id").values_list("event", "payload"))
    assert [e for e, _p in sent] == ["check_in.recorded", "key_result.status_changed", "objective.closed",
                                     "work_item.slipped", "work_item.done", "review.published"]  # fmt: skip
    slipped = dict(sent)["work_item.slipped"]["data"]
    assert (slipped["before"], slipped["after"], slipped["days"]) == ("2026-11-10", "2026-11-17", 7)
    changed = dict(sent)["key_result.status_changed"]["data"]
    assert (changed["before"], changed["after"]) == ("no_data", "done")


def test_a_hook_hears_only_its_events_and_nothing_of_another_workspace(world, loopback):
    actions.create_webhook(
        world.actor(world.owner), name="Closures", url=loopback.url, events=["objective.closed"]
    )
    okr_actions.do_check_in(world.actor(world.owner), world.key_result.pk, value=2)
    bolt = world.actor(world.outsider, world.other_workspace)
    okr_actions.do_check_in(bolt, world.other_key_result.pk, value=2)
    assert not WebhookDelivery.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [({"name": "", "url": "https://x.example", "events": ["objective.closed"]}, "name"),
     ({"name": "x", "url": "ftp://x.example", "events": ["objective.closed"]}, "url"),
     ({"name": "x", "url": "https://x.example", "events": ["nope"]}, "events"),
     ({"name": "x", "url": "https://x.example", "events": []}, "events")],
)  # fmt: skip
def test_a_bad_webhook_is_refused_naming_the_field(world, body, field):
    with pytest.raises(ValidationFailed) as refused:
        actions.create_webhook(world.actor(world.owner), **body)
    assert refused.value.errors[0].field == field and not Webhook.objects.exists()


def test_only_admins_manage_webhooks(world):
    with pytest.raises(PermissionDenied):
        actions.create_webhook(world.actor(world.editor), name="x", url="https://x.example", events=ALL)


def test_the_pages_add_a_hook_send_a_test_and_show_the_log(world, client, loopback):
    client.force_login(world.admin)
    response = client.post(
        "/settings/webhooks/", {"name": "Chat", "url": loopback.url, "events": ["objective.closed"]}
    )
    hook = Webhook.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/settings/webhooks/{hook.pk}/"
    bad = client.post("/settings/webhooks/", {"name": "Chat", "url": "nope", "events": []})
    assert bad.status_code == 422 and 'id="hook-url-error"' in bad.content.decode()
    client.post(f"/settings/webhooks/{hook.pk}/test/")
    loopback.answer(404)
    retry_due()
    html = client.get(f"/settings/webhooks/{hook.pk}/").content.decode()
    assert "<code>ping</code>" in html and '<td class="num">404</td>' in html and hook.secret in html
    client.force_login(world.editor)
    assert client.get("/settings/webhooks/").status_code == 403
    assert client.get(f"/settings/webhooks/{hook.pk}/").status_code == 403


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("method", "path", "body", "expected"),
    [
        ("get", "/webhooks", None, status_row(200, 200, 403, 403, 403, 200)),
        ("post", "/webhooks", {"name": "x", "url": "https://x.example/h", "events": ["objective.closed"]},
         status_row(201, 201, 403, 403, 403, 201)),
        ("get", "/webhooks/events", None, status_row(200, 200, 200, 200, 200, 200)),
    ],
)  # fmt: skip
def test_persona_matrix(world, client, persona, method, path, body, expected):
    check_persona_call(client, world.persona(persona), method, path, body, expected[persona])


def test_the_api_manages_a_hook_and_reads_its_log(world, client, loopback):
    client.force_login(world.owner)
    made = call_api(
        client, "post", "/webhooks", {"name": "x", "url": loopback.url, "events": ["objective.closed"]}
    )
    hook = made.json()
    assert made.status_code == 201 and len(hook["secret"]) == 48
    assert call_api(client, "post", f"/webhooks/{hook['id']}/test", {}).status_code == 202
    retry_due()
    log = call_api(client, "get", f"/webhooks/{hook['id']}/deliveries").json()
    assert log["count"] == 1
    assert [(d["event"], d["status"], d["response_code"]) for d in log["items"]] == [
        ("ping", "delivered", 200)
    ]
    assert call_api(client, "post", f"/webhooks/{hook['id']}/test", {}).status_code == 202
    retry_due()
    newest = call_api(client, "get", f"/webhooks/{hook['id']}/deliveries?limit=1").json()
    older = call_api(client, "get", f"/webhooks/{hook['id']}/deliveries?limit=1&offset=1").json()
    assert newest["count"] == older["count"] == 2
    assert newest["items"][0]["id"] > older["items"][0]["id"] == log["items"][0]["id"]
    paused = call_api(client, "patch", f"/webhooks/{hook['id']}", {"active": False}).json()
    assert paused["active"] is False
    assert call_api(client, "delete", f"/webhooks/{hook['id']}").status_code == 204
    client.force_login(world.outsider)
    assert call_api(client, "get", f"/webhooks/{hook['id']}/deliveries").status_code == 404
