"""Every query the busiest pages and API lists send can be answered through an index: the database is asked for
its plan of each (EXPLAIN) and a full scan of a table fails the test, naming the query.

On PostgreSQL sequential scans are priced out (``enable_seqscan = off``), so the planner only scans a whole table
when no index can serve the query; on SQLite, ``EXPLAIN QUERY PLAN`` says ``SCAN table`` (no index) or ``SEARCH
table USING INDEX``. The small test workspace would make a full scan the cheaper plan, which is why the planner is
asked what it *can* do rather than what it would choose today."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from northstar.okrs import actions
from northstar.testing import API

pytestmark = pytest.mark.django_db

HOT = [
    "/", "/okrs/", "/roadmap/", "/roadmap/list/", "/coach/",
    f"{API}/objectives", f"{API}/key-results", f"{API}/work-items",
]  # fmt: skip
# Tables with a handful of rows per deployment, read whole on purpose.
SMALL = {"django_content_type", "django_migrations"}


def _full_scans(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN " + sql)
            plan = [row[0] for row in cursor.fetchall()]
            return [m for line in plan for m in re.findall(r"Seq Scan on (\w+)", line) if m not in SMALL]
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        plan = [row[-1] for row in cursor.fetchall()]
        return [
            m.group(1)
            for line in plan
            if (m := re.match(r"SCAN (\w+)(?! USING)", line)) and not line.startswith("SCAN CONSTANT")
            and m.group(1) not in SMALL
        ]  # fmt: skip


@pytest.mark.parametrize("url", HOT)
def test_every_query_of_a_busy_page_can_use_an_index(world, client, url):
    owner = world.actor(world.owner)
    actions.do_check_in(owner, world.key_result.pk, value=5, confidence=0.7)
    client.force_login(world.owner)
    client.get(url)  # sessions and content types read once
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    selects = [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    assert selects
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
    scans = {sql: tables for sql in selects if (tables := _full_scans(sql))}
    assert not scans, "\n\n".join(f"{tables}: {sql}" for sql, tables in scans.items())
