"""northstar.sqlite: Django's SQLite backend with datetimes read faster — and read as Django reads them."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Max

from northstar.okrs.models import CheckIn, KeyResult

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite backend"),
]


def test_sqlite_workspaces_use_it():
    assert connection.settings_dict["ENGINE"] == "northstar.sqlite"
    assert type(connection.ops).__module__ == "northstar.sqlite.base"


def test_datetimes_read_back_are_the_aware_ones_written(world):
    kr = world.key_result
    two_hours_east = dt.timezone(dt.timedelta(hours=2))  # read back in UTC, the same instant
    written = [
        dt.datetime(2026, 11, 27, 17, 5, 9, 123456, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 29, 1, 30, tzinfo=two_hours_east),
        dt.datetime(2027, 1, 1, tzinfo=dt.UTC),
    ]
    for when in written:
        CheckIn.objects.create(workspace=world.workspace, key_result=kr, value=1, checked_in_at=when)
    read = list(CheckIn.objects.filter(key_result=kr).values_list("checked_in_at", flat=True))
    assert set(written) <= set(read)
    assert all(when.utcoffset() == dt.timedelta(0) for when in read)
    # an expression's value comes from the driver as text, and is read as Django reads it
    latest = CheckIn.objects.filter(key_result=kr).aggregate(latest=Max("checked_in_at"))["latest"]
    assert latest == max(read) and latest.utcoffset() == dt.timedelta(0)


def test_it_converts_as_djangos_own_backend_does(world):
    from django.db.backends.sqlite3 import base  # imported only where SQLite is the database

    ours, django = connection.ops, base.DatabaseOperations(connection)
    field = KeyResult._meta.get_field("last_check_in_at")
    for value in (
        None,
        dt.datetime(2026, 11, 27, 17, 5, 9, 123456),
        dt.datetime(2026, 11, 27, 17, 5, 9, tzinfo=dt.UTC),
        "2026-11-27 17:05:09.123456",
    ):
        assert ours.convert_datetimefield_value(
            value, field, connection
        ) == django.convert_datetimefield_value(value, field, connection)
    kr = KeyResult.objects.get(pk=world.key_result.pk)
    assert kr.last_check_in_at is None or kr.last_check_in_at.tzinfo is not None
    assert kr.created_at.tzinfo is not None
