import json
import sqlite3
import threading

import pytest
from django.test import Client

from northstar.integrations import sources
from northstar.integrations.actions import post_value
from northstar.integrations.models import InboundValue, LiveSource
from northstar.okrs.models import CheckIn
from northstar.roadmap import actions as roadmap_actions
from northstar.workspaces.actions import create_api_token
from northstar.workspaces.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


# --- values posted by a feed ------------------------------------------------------------------------------------


def test_a_repeated_idempotency_key_records_nothing_twice(world):
    editor = world.actor(world.editor)
    first, created = post_value(editor, world.key_result.pk, value=5, idempotency_key="nightly-2026-11-25")
    again, created_again = post_value(
        editor, world.key_result.pk, value=5, idempotency_key="nightly-2026-11-25"
    )
    assert created and not created_again and first.pk == again.pk
    assert CheckIn.objects.filter(key_result=world.key_result).count() == 1
    assert first.source == "api"
    with pytest.raises(ValidationFailed) as refused:
        post_value(
            editor, world.it_objective.key_results.first().pk, value=1, idempotency_key="nightly-2026-11-25"
        )
    assert refused.value.errors[0].field == "idempotency_key"


def test_a_values_token_posts_values_and_opens_nothing_else(world):
    _token, raw = create_api_token(world.actor(world.editor), name="Feed", scope="kr_values")
    client = Client(HTTP_HOST="127.0.0.1")
    path = f"/api/v1/key-results/{world.key_result.pk}/values"
    body = json.dumps({"value": 9.5, "confidence": 0.8})
    first = client.post(
        path, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1", **bearer(raw)
    )
    repeat = client.post(
        path, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1", **bearer(raw)
    )
    assert (first.status_code, first.json()["created"]) == (201, True)
    assert (repeat.status_code, repeat.json()["created"]) == (200, False)
    assert repeat.json()["check_in"] == first.json()["check_in"]
    assert client.get("/api/v1/objectives", **bearer(raw)).status_code == 403
    assert (
        client.post(
            f"/api/v1/key-results/{world.key_result.pk}/check-ins",
            body,
            content_type="application/json",
            **bearer(raw),
        ).status_code
        == 403
    )
    missing = client.post(path, body, content_type="application/json", **bearer(raw))
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "idempotency_key"
    other = client.post(f"/api/v1/key-results/{world.other_key_result.pk}/values", body,
                        content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-2", **bearer(raw))  # fmt: skip
    assert other.status_code == 404
    assert InboundValue.objects.count() == 1


def test_the_same_key_sent_at_once_from_two_threads_records_one_check_in(transactional_db, world):
    from django.db import connection as main

    if main.vendor == "sqlite":
        pytest.skip("the SQLite test database is one in-memory connection; this runs in the PostgreSQL pass")
    editor = world.actor(world.editor)
    results = []

    def send():
        from django.db import connection

        try:
            results.append(post_value(editor, world.key_result.pk, value=4, idempotency_key="burst"))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4 and len({c.pk for c, _new in results}) == 1
    assert CheckIn.objects.filter(key_result=world.key_result).count() == 1


# --- live data sources --------------------------------------------------------------------------------------------


def test_a_key_result_bound_to_a_loopback_json_endpoint_updates_on_refresh(world, loopback):
    editor = world.actor(world.editor)
    sources.set_source(editor, world.key_result.pk, kind="http_json", url=loopback.url + "/metrics",
                       json_path="data.plans[1].share")  # fmt: skip
    loopback.answer(200, {"data": {"plans": [{"share": 2}, {"share": "12.5"}]}})
    source = sources.refresh(editor, world.key_result.pk)
    check_in = CheckIn.objects.get(key_result=world.key_result)
    assert (source.last_value, source.last_error, check_in.value, check_in.source) == (
        12.5,
        "",
        12.5,
        "automatic",
    )
    assert loopback.received[0]["path"] == "/metrics"


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [(500, {"x": 1}, "answered 500"), (200, b"not json", "not JSON"), (200, {"data": {}}, "plans"),
     (200, {"data": {"plans": [{}, {"share": "lots"}]}}, "not a number")],
)  # fmt: skip
def test_a_failing_source_says_why_and_records_nothing(world, loopback, status, body, message):
    editor = world.actor(world.editor)
    sources.set_source(
        editor, world.key_result.pk, kind="http_json", url=loopback.url, json_path="data.plans[1].share"
    )
    loopback.answer(status, body)
    source = sources.refresh(editor, world.key_result.pk)
    assert message in source.last_error and not CheckIn.objects.filter(key_result=world.key_result).exists()


def test_a_too_large_or_too_slow_answer_is_refused(world, loopback, settings):
    settings.NORTHSTAR_SOURCE_MAX_BYTES = 50
    settings.NORTHSTAR_SOURCE_TIMEOUT_SECONDS = 0.5
    editor = world.actor(world.editor)
    sources.set_source(editor, world.key_result.pk, kind="http_json", url=loopback.url, json_path="v")
    loopback.answer(200, {"v": 1, "padding": "x" * 100})
    assert "larger than" in sources.refresh(editor, world.key_result.pk).last_error
    loopback.answer(200, {"v": 1}, delay=1.5)
    assert "in time" in sources.refresh(editor, world.key_result.pk).last_error


def test_a_sql_source_reads_one_number_read_only(world, settings, tmp_path):
    path = tmp_path / "reporting.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("create table subscriptions (plan text)")
        db.executemany(
            "insert into subscriptions values (?)", [("annual",), ("monthly",), ("monthly",), ("annual",)]
        )
    settings.NORTHSTAR_SOURCE_DATABASE_URL = f"sqlite:///{path}"
    editor = world.actor(world.editor)
    query = "select 100.0 * sum(plan = 'annual') / count(*) from subscriptions"
    sources.set_source(editor, world.key_result.pk, kind="sql", query=query)
    assert sources.refresh(editor, world.key_result.pk).last_value == 50.0
    for bad in (
        "delete from subscriptions",
        "select 1; drop table subscriptions",
        "update subscriptions set plan='x'",
    ):
        with pytest.raises(ValidationFailed) as refused:
            sources.set_source(editor, world.key_result.pk, kind="sql", query=bad)
        assert refused.value.errors[0].field == "query"
    # a write smuggled into a SELECT still cannot write: the connection is read-only
    LiveSource.objects.filter(key_result=world.key_result).update(
        query="with x as (select 1) select count(*) from subscriptions where (select 1 from pragma_user_version)"
    )
    source = sources.refresh(editor, world.key_result.pk)
    with sqlite3.connect(path) as db:
        assert db.execute("select count(*) from subscriptions").fetchone()[0] == 4
    assert source.last_error == "" or "failed" in source.last_error


def test_a_source_computed_from_linked_work(world):
    boss = world.actor(world.owner)
    items = [
        roadmap_actions.create_work_item(boss, kind="task", title=f"Part {n}", team=world.growth.pk)
        for n in range(4)
    ]
    for item in items:
        roadmap_actions.set_contribution(boss, item.pk, key_result=world.key_result.pk)
    roadmap_actions.update_work_item(boss, items[0].pk, status="done")
    roadmap_actions.update_work_item(boss, items[1].pk, status="cancelled")
    sources.set_source(boss, world.key_result.pk, kind="done_share")
    assert sources.refresh(boss, world.key_result.pk).last_value == pytest.approx(100 / 3, abs=0.01)
    sources.set_source(boss, world.key_result.pk, kind="done_count")
    assert sources.refresh(boss, world.key_result.pk).last_value == 1


def test_due_sources_refresh_on_schedule_as_the_person_who_bound_them(world, loopback):
    import datetime as dt

    from django.utils import timezone

    editor = world.actor(world.editor)
    sources.set_source(
        editor, world.key_result.pk, kind="http_json", url=loopback.url, json_path="v", every_minutes=60
    )
    loopback.default = (200, b'{"v": 3}', 0.0)
    now = timezone.now()
    assert sources.refresh_due(now) == 1
    assert sources.refresh_due(now + dt.timedelta(minutes=30)) == 0
    assert sources.refresh_due(now + dt.timedelta(minutes=61)) == 1
    assert CheckIn.objects.filter(key_result=world.key_result, source="automatic").count() == 2


def test_sources_through_the_api(world, client, loopback):
    client.force_login(world.editor)
    path = f"/api/v1/key-results/{world.key_result.pk}/source"
    bad = client.put(path, json.dumps({"kind": "http_json", "url": "nope"}), content_type="application/json")
    assert bad.status_code == 422 and {e["field"] for e in bad.json()["errors"]} == {"url", "json_path"}
    ok = client.put(path, json.dumps({"kind": "http_json", "url": loopback.url, "json_path": "v"}),
                    content_type="application/json")  # fmt: skip
    assert ok.status_code == 200
    loopback.answer(200, {"v": 6})
    assert client.post(path + "/refresh").json()["last_value"] == 6
    client.force_login(world.viewer)
    assert (
        client.put(path, json.dumps({"kind": "done_count"}), content_type="application/json").status_code
        == 403
    )
    client.force_login(world.outsider)
    assert client.get(path).status_code == 404


def test_the_key_result_page_binds_refreshes_and_shows_a_source_error(world, client, loopback):
    client.force_login(world.editor)
    page = f"/key-results/{world.key_result.pk}/"
    action = f"/key-results/{world.key_result.pk}/source/"
    client.post(action, {"kind": "http_json", "url": loopback.url, "json_path": "v", "every_minutes": "30"})
    loopback.answer(500)
    client.post(action, {"refresh": "1"})
    html = client.get(page).content.decode()
    assert 'id="source-error"' in html and "answered 500" in html
    loopback.answer(200, {"v": 11})
    client.post(action, {"refresh": "1"})
    html = client.get(page).content.decode()
    assert 'id="source-error"' not in html and "automatic" in html
    client.force_login(world.viewer)
    assert 'id="live-source"' not in client.get(page).content.decode()
    assert client.post(action, {"refresh": "1"}).status_code == 403
