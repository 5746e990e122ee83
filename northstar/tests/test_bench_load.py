"""`northstar bench load` end to end: a real gunicorn server on the test database, reads and check-ins at once.
The server is another process, so it needs a database it can open: this runs in the PostgreSQL pass."""

import pytest
from django.db import connection

from northstar.bench_load import CHECK_IN, database_url, run
from northstar.okrs.models import CheckIn


@pytest.fixture
def shared_database(transactional_db):
    if connection.vendor == "sqlite":
        pytest.skip(
            "the SQLite test database lives in this process's memory; this runs in the PostgreSQL pass"
        )


def test_the_load_test_answers_every_read_and_records_every_check_in(shared_database, world):
    before = CheckIn.objects.count()
    first, alone, loaded = run(
        world.actor(world.owner), requests=60, clients=4, workers=1, warm_rounds=1, write_share=0.1
    )
    for result in (first, alone, loaded):
        assert result.total.errors == 0, result
    assert [e.name for e in first.endpoints] == [e.name for e in alone.endpoints]
    writes = next(e for e in loaded.endpoints if e.name == str(CHECK_IN))
    assert writes.summary.requests == 6
    assert CheckIn.objects.count() == before + 6
    assert loaded.total.requests == 60 and loaded.clients == 4


@pytest.mark.parametrize("engine", ["django.db.backends.sqlite3", "northstar.sqlite"])
def test_the_server_is_given_the_sqlite_file_this_process_uses_whichever_sqlite_backend(engine):
    assert (
        database_url({"ENGINE": engine, "NAME": "/var/northstar/db.sqlite3"})
        == "sqlite:////var/northstar/db.sqlite3"
    )


def test_the_server_is_given_the_postgresql_login_this_process_uses():
    database = {"ENGINE": "django.db.backends.postgresql", "NAME": "bench", "USER": "north star",
                "PASSWORD": "p@ss", "HOST": "db.internal", "PORT": 6432}  # fmt: skip
    assert database_url(database) == "postgres://north%20star:p%40ss@db.internal:6432/bench"
    assert database_url({**database, "PASSWORD": ""}) == "postgres://north%20star@db.internal:6432/bench"
