import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from northstar.okrs import actions
from northstar.okrs.models import KeyResult
from northstar.okrs.queries import forecasts_for, forecasts_kept, forget_forecasts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["django cache", "process memory"])
def _remembering(request, settings):
    """Each test runs with forecasts remembered only in Django's cache, then only in the process's memory."""
    from django.core.cache import cache

    if request.param == "django cache":
        settings.CACHES = {
            **settings.CACHES,
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": "forecast-tests",
            },
        }
        settings.NORTHSTAR_FORECASTS_KEPT = 0
        cache.clear()
    else:
        settings.NORTHSTAR_FORECASTS_KEPT = 100
    forget_forecasts()


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


def test_the_process_keeps_no_more_forecasts_than_it_is_allowed_and_still_answers_right(world, settings):
    settings.NORTHSTAR_FORECASTS_KEPT = 1
    boss = world.actor(world.owner)
    other = actions.create_key_result(boss, world.objective.pk, title="Second number", kind="increase",
                                      start=0, target=10)  # fmt: skip
    for value in (2, 4):
        actions.do_check_in(boss, world.key_result.pk, value=value)
        actions.do_check_in(boss, other.pk, value=value * 2)
    krs = list(
        KeyResult.objects.select_related("objective__period").filter(pk__in=[world.key_result.pk, other.pk])
    )
    periods = {kr.pk: kr.objective.period for kr in krs}
    first = forecasts_for(boss, krs, periods, today=TODAY)
    assert len(forecasts_kept) <= 1
    again = forecasts_for(boss, krs, periods, today=TODAY)
    assert again == first
    assert first[world.key_result.pk] != first[other.pk]


def test_a_page_finds_kept_forecasts_without_reading_linked_work_until_the_plan_changes(world, settings):
    from northstar.roadmap import actions as roadmap_actions

    if not settings.NORTHSTAR_FORECASTS_KEPT:
        pytest.skip("forecasts by plan revision are kept in the process's memory")
    boss = world.actor(world.owner)
    kr = world.key_result
    for value in (2, 3, 5):
        actions.do_check_in(boss, kr.pk, value=value)
    first = forecast_of(world, kr.pk)[kr.pk]
    with CaptureQueriesContext(connection) as again:
        assert forecast_of(world, kr.pk)[kr.pk] == first
    assert not any("roadmap_contribution" in q["sql"] for q in again.captured_queries)
    # work linked to nothing changes the plan: links are read again, the forecast is found, not made again
    roadmap_actions.create_work_item(boss, kind="task", title="Unrelated", team=world.growth.pk,
                                     start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 5))  # fmt: skip
    with CaptureQueriesContext(connection) as after_plan_change:
        assert forecast_of(world, kr.pk)[kr.pk] == first
    sql = [q["sql"] for q in after_plan_change.captured_queries]
    assert any("roadmap_contribution" in s for s in sql)
    assert not any("okrs_checkin" in s for s in sql)


def test_moving_linked_work_moves_a_kept_forecast(world, settings):
    from northstar.roadmap import actions as roadmap_actions
    from northstar.roadmap.models import WorkItem

    boss = world.actor(world.owner)
    kr = world.key_result
    for value in (2, 3):
        actions.do_check_in(boss, kr.pk, value=value)
    item = roadmap_actions.create_work_item(boss, kind="task", title="Offer", team=world.growth.pk,
                                            start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 5))  # fmt: skip
    roadmap_actions.set_contribution(boss, item.pk, key_result=kr.pk, weight=3)
    before = forecast_of(world, kr.pk)[kr.pk]
    item = WorkItem.objects.get(pk=item.pk)
    # delivered after the period ends, the work no longer counts towards its number
    roadmap_actions.update_work_item(boss, item.pk, expected_version=item.version, end=dt.date(2027, 8, 1))
    assert forecast_of(world, kr.pk)[kr.pk] != before


def test_many_key_results_read_every_link_and_keep_each_its_own(world, monkeypatch):
    from northstar.okrs import queries
    from northstar.roadmap import actions as roadmap_actions

    boss = world.actor(world.owner)
    other = actions.create_key_result(boss, world.objective.pk, title="Another number", kind="increase",
                                      start=0, target=10)  # fmt: skip
    for value in (2, 3):
        actions.do_check_in(boss, world.key_result.pk, value=value)
        actions.do_check_in(boss, other.pk, value=value)
    item = roadmap_actions.create_work_item(boss, kind="task", title="Only for the other", team=world.growth.pk,
                                            start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 5))  # fmt: skip
    roadmap_actions.set_contribution(boss, item.pk, key_result=other.pk, weight=3)
    by_list = forecast_of(world, world.key_result.pk)[world.key_result.pk]
    forget_forecasts()
    monkeypatch.setattr(
        queries, "MANY_KEY_RESULTS", 0
    )  # every link read, those of other key results left out
    assert forecast_of(world, world.key_result.pk)[world.key_result.pk] == by_list
    forget_forecasts()
    both = forecast_of(world, other.pk)[other.pk]
    monkeypatch.setattr(queries, "MANY_KEY_RESULTS", 1_000)
    forget_forecasts()
    assert forecast_of(world, other.pk)[other.pk] == both  # its own link counted either way


@pytest.mark.parametrize("shared", [True, False])
def test_django_cache_holds_forecasts_only_when_other_processes_read_it(world, settings, tmp_path, shared):
    """Local memory is the process's own, where forecasts are kept already; a cache on disk (or Redis) is read by
    the machine's other processes too."""
    from django.core.cache import caches

    backend = "filebased.FileBasedCache" if shared else "locmem.LocMemCache"
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": f"django.core.cache.backends.{backend}", "LOCATION": str(tmp_path / "c")},
    }
    settings.NORTHSTAR_FORECASTS_KEPT = 100
    caches["default"].clear()
    forget_forecasts()
    boss = world.actor(world.owner)
    for value in (2, 4):
        actions.do_check_in(boss, world.key_result.pk, value=value)
    assert forecast_of(world, world.key_result.pk)
    written = list((tmp_path / "c").glob("*")) if shared else list(caches["default"]._cache)
    assert bool(written) == shared
