import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from northstar.okrs import actions
from northstar.okrs.models import KeyResult
from northstar.okrs.queries import forecasts_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _remembering(settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "forecast-tests"},
    }
    from django.core.cache import cache

    cache.clear()


TODAY = dt.date.today() + dt.timedelta(days=1)  # after the check-ins these tests record now


def forecast_of(world, kr_id):
    kr = KeyResult.objects.select_related("objective__period").get(pk=kr_id)
    return forecasts_for(world.actor(world.owner), [kr], {kr.pk: kr.objective.period}, today=TODAY)


def test_a_remembered_forecast_reads_no_check_ins_and_a_check_in_makes_a_new_one(world):
    boss = world.actor(world.owner)
    kr = world.key_result
    for value in (2, 4, 5):
        actions.do_check_in(boss, kr.pk, value=value)
    first = forecast_of(world, kr.pk)[kr.pk]
    with CaptureQueriesContext(connection) as again:
        second = forecast_of(world, kr.pk)[kr.pk]
    assert second == first
    assert not any(
        "okrs_checkin" in q["sql"] for q in again.captured_queries[1:]
    )  # only the key result and links
    actions.do_check_in(boss, kr.pk, value=19)
    third = forecast_of(world, kr.pk)[kr.pk]
    assert third.expected > first.expected  # the new check-in counts at once


def test_linked_work_and_the_day_are_part_of_what_a_forecast_is_remembered_by(world):
    from northstar.roadmap import actions as roadmap_actions

    boss = world.actor(world.owner)
    kr = world.key_result
    for value in (2, 3):
        actions.do_check_in(boss, kr.pk, value=value)
    before = forecast_of(world, kr.pk)[kr.pk]
    item = roadmap_actions.create_work_item(boss, kind="task", title="Offer", team=world.growth.pk,
                                            start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 5))  # fmt: skip
    roadmap_actions.set_contribution(boss, item.pk, key_result=kr.pk, weight=3)
    after = forecast_of(world, kr.pk)[kr.pk]
    assert after.probability != before.probability
    assert after.check_ins == 2
    later = forecasts_for(boss, [KeyResult.objects.select_related("objective__period").get(pk=kr.pk)],
                          {kr.pk: world.objective.period}, today=TODAY + dt.timedelta(days=20))[kr.pk]  # fmt: skip
    assert later != after
