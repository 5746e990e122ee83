"""Many people at once on the same objects: nothing is lost, and an edit based on a stale version is refused
(409), never silently written over. Threads need a database with real concurrent connections: these run in the
PostgreSQL pass (the SQLite test database is a single in-memory connection). An interrupted import, which needs no
threads, runs on both."""

import threading

import pytest
from django.db import connection

from northstar.exchange.importer import import_document
from northstar.exchange.okr_yaml import parse_text
from northstar.okrs import actions as okr_actions
from northstar.okrs.models import CheckIn, KeyResult, Objective
from northstar.workspaces.errors import StaleVersion

THREADS = 8


def concurrently(work):
    """Run ``work(i)`` in THREADS threads started together; returns their results or exceptions."""
    from django.db import connection as conn

    barrier = threading.Barrier(THREADS)
    results: list[object] = [None] * THREADS

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # the outcome we look at
            results[i] = exc
        finally:
            conn.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.fixture
def threads_ok(transactional_db):
    if connection.vendor == "sqlite":
        pytest.skip("the SQLite test database is one in-memory connection; this runs in the PostgreSQL pass")


def test_simultaneous_edits_of_one_version_let_one_through_and_refuse_the_rest(threads_ok, world):
    boss = world.actor(world.owner)
    start = Objective.objects.get(pk=world.objective.pk).version
    results = concurrently(
        lambda i: okr_actions.update_objective(
            boss, world.objective.pk, expected_version=start, title=f"Title {i}"
        )
    )
    won = [r for r in results if isinstance(r, Objective)]
    refused = [r for r in results if isinstance(r, StaleVersion)]
    assert len(won) == 1 and len(refused) == THREADS - 1, results
    saved = Objective.objects.get(pk=world.objective.pk)
    assert saved.title == won[0].title and saved.version == start + 1


def test_simultaneous_check_ins_are_all_kept(threads_ok, world):
    boss = world.actor(world.owner)
    before = KeyResult.objects.get(pk=world.key_result.pk).version
    results = concurrently(lambda i: okr_actions.do_check_in(boss, world.key_result.pk, value=i))
    assert all(isinstance(r, CheckIn) for r in results), results
    assert CheckIn.objects.filter(key_result=world.key_result).count() == THREADS
    assert KeyResult.objects.get(pk=world.key_result.pk).version == before + THREADS


def test_simultaneous_api_patches_answer_409_to_all_but_one(threads_ok, world):
    from django.test import Client

    path = f"/api/v1/objectives/{world.objective.pk}"
    version = Objective.objects.get(pk=world.objective.pk).version
    clients = []
    for _ in range(THREADS):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(world.owner)
        clients.append(client)

    def patch(i):
        return (
            clients[i]
            .patch(path, {"title": f"API {i}", "version": version}, content_type="application/json")
            .status_code
        )

    codes = concurrently(patch)
    assert sorted(codes) == [200] + [409] * (THREADS - 1), codes


def test_an_import_interrupted_midway_leaves_nothing_behind(world, monkeypatch):
    from northstar.exchange.tests.conftest import FINVEST

    document = parse_text(FINVEST.read_text(encoding="utf-8"))
    real = okr_actions.create_key_result
    calls = {"n": 0}

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 5:
            raise RuntimeError("the machine went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(okr_actions, "create_key_result", failing)
    before = (Objective.objects.count(), KeyResult.objects.count(), CheckIn.objects.count())
    with pytest.raises(RuntimeError):
        import_document(document)
    assert (Objective.objects.count(), KeyResult.objects.count(), CheckIn.objects.count()) == before
    assert calls["n"] == 5  # it did get halfway
