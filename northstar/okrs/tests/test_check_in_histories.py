"""Key results' check-in histories, kept by each process by the key result's version: a check-in added or deleted
makes its key result's history read again, and only that one."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from northstar.okrs import actions
from northstar.okrs.models import CheckIn, KeyResult
from northstar.okrs.queries import check_in_histories, forget_forecasts, histories_kept

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keeping(settings):
    settings.NORTHSTAR_CHECK_INS_KEPT = 1000
    forget_forecasts()
    yield
    forget_forecasts()


def histories(world, *krs):
    fresh = KeyResult.objects.filter(pk__in=[kr.pk for kr in krs])  # as a page reads them: versions of now
    return check_in_histories(world.actor(world.owner), fresh)


def read_check_ins(captured):
    return [q["sql"] for q in captured.captured_queries if "okrs_checkin" in q["sql"]]


def test_a_kept_history_is_not_read_again_and_a_check_in_reads_only_its_key_result_again(world):
    boss = world.actor(world.owner)
    kr = world.key_result
    other = actions.create_key_result(boss, world.objective.pk, title="Second number", kind="increase",
                                      start=0, target=10)  # fmt: skip
    actions.do_check_in(boss, kr.pk, value=3, confidence=0.6)
    actions.do_check_in(boss, other.pk, value=7)
    first = histories(world, kr, other)
    assert [(v, c) for _d, v, c in first[kr.pk]] == [(3, 0.6)]
    assert [v for _d, v, _c in first[other.pk]] == [7]

    with CaptureQueriesContext(connection) as again:
        assert histories(world, kr, other) == first
    assert not read_check_ins(again)

    actions.do_check_in(boss, kr.pk, value=5, confidence=0.8)
    with CaptureQueriesContext(connection) as after:
        third = histories(world, kr, other)
    assert [(v, c) for _d, v, c in third[kr.pk]] == [(3, 0.6), (5, 0.8)]
    assert third[other.pk] == first[other.pk]
    (sql,) = read_check_ins(after)
    assert f"IN ({kr.pk})" in sql  # only the key result that moved


def test_a_deleted_check_in_leaves_the_kept_history(world):
    boss = world.actor(world.owner)
    kr = world.key_result
    actions.do_check_in(boss, kr.pk, value=3)
    actions.do_check_in(boss, kr.pk, value=9)
    assert [v for _d, v, _c in histories(world, kr)[kr.pk]] == [3, 9]
    actions.delete_check_in(boss, CheckIn.objects.get(key_result=kr, value=9).pk)
    assert [v for _d, v, _c in histories(world, kr)[kr.pk]] == [3]


def test_a_key_result_without_check_ins_has_an_empty_history_and_is_kept_as_one(world):
    kr = world.key_result
    assert histories(world, kr) == {kr.pk: ()}
    with CaptureQueriesContext(connection) as again:
        assert histories(world, kr) == {kr.pk: ()}
    assert not read_check_ins(again)


def test_histories_are_dated_by_their_utc_day_oldest_first(world):
    boss = world.actor(world.owner)
    kr = world.key_result
    late = dt.datetime(2026, 11, 3, 23, 30, tzinfo=dt.UTC)
    early = dt.datetime(2026, 11, 2, 0, 15, tzinfo=dt.UTC)
    actions.do_check_in(boss, kr.pk, value=4, checked_in_at=late)
    actions.do_check_in(boss, kr.pk, value=2, checked_in_at=early)
    assert [(d, v) for d, v, _c in histories(world, kr)[kr.pk]] == [
        (dt.date(2026, 11, 2), 2),
        (dt.date(2026, 11, 3), 4),
    ]


def test_the_process_keeps_no_more_check_ins_than_it_is_allowed_and_still_answers_right(world, settings):
    # room for one history of two check-ins (each key result counts one more than its check-ins)
    settings.NORTHSTAR_CHECK_INS_KEPT = 3
    boss = world.actor(world.owner)
    kr = world.key_result
    other = actions.create_key_result(boss, world.objective.pk, title="Second number", kind="increase",
                                      start=0, target=10)  # fmt: skip
    for value in (1, 2):
        actions.do_check_in(boss, kr.pk, value=value)
        actions.do_check_in(boss, other.pk, value=value * 10)
    first = histories(world, kr, other)
    assert histories_kept.used <= 3 and len(histories_kept) == 1
    assert histories(world, kr, other) == first
    assert [v for _d, v, _c in first[other.pk]] == [10, 20]
