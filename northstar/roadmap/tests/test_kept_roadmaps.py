"""A computed roadmap is kept (per process) until its workspace changes, and only for the same viewer and day."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from northstar.okrs import actions as okr_actions
from northstar.roadmap import actions
from northstar.roadmap.models import WorkItem
from northstar.roadmap.queries import load_roadmap

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _keeping(settings):
    settings.NORTHSTAR_ROADMAPS_KEPT = 2


def test_a_second_load_is_the_same_roadmap_for_one_query(world):
    boss = world.actor(world.owner)
    actions.create_work_item(boss, title="Launch", team=world.growth.pk, start=TODAY, end=TODAY)
    first = load_roadmap(boss, today=TODAY)
    with CaptureQueriesContext(connection) as queries:
        again = load_roadmap(boss, today=TODAY)
    assert again is first
    assert len(queries) == 1  # the workspace's revision


@pytest.mark.parametrize(
    "change",
    [
        lambda w: actions.create_work_item(
            w.actor(w.owner), title="Second", team=w.growth.pk, start=TODAY, end=TODAY
        ),
        lambda w: okr_actions.update_key_result(w.actor(w.owner), w.key_result.pk, title="Renamed number"),
        lambda w: actions.set_contribution(
            w.actor(w.owner), WorkItem.objects.get(title="Launch").pk, key_result=w.key_result.pk, weight=2
        ),
    ],
    ids=["a new work item", "a key result's title", "a link"],
)
def test_any_change_to_the_plan_computes_it_again(world, change):
    boss = world.actor(world.owner)
    actions.create_work_item(boss, title="Launch", team=world.growth.pk, start=TODAY, end=TODAY)
    first = load_roadmap(boss, today=TODAY)
    change(world)
    again = load_roadmap(boss, today=TODAY)
    assert again is not first


def test_another_viewer_another_day_or_other_lanes_get_their_own(world):
    boss = world.actor(world.owner)
    actions.create_work_item(boss, title="Launch", team=world.growth.pk, start=TODAY, end=TODAY)
    first = load_roadmap(boss, today=TODAY)
    assert load_roadmap(world.actor(world.viewer), today=TODAY) is not first
    assert load_roadmap(boss, today=TODAY + dt.timedelta(days=1)) is not first
    assert load_roadmap(boss, today=TODAY, lane_by="team") is not first


def test_what_was_kept_shows_the_change_when_computed_again(world):
    boss = world.actor(world.owner)
    load_roadmap(boss, today=TODAY)
    actions.create_work_item(boss, title="Brand new", team=world.growth.pk, start=TODAY, end=TODAY)
    assert "Brand new" in [v.item.title for v in load_roadmap(boss, today=TODAY).items]


def test_only_the_last_few_are_kept(world, settings):
    settings.NORTHSTAR_ROADMAPS_KEPT = 1
    boss = world.actor(world.owner)
    first = load_roadmap(boss, today=TODAY)
    load_roadmap(boss, today=TODAY, lane_by="team")
    assert load_roadmap(boss, today=TODAY) is not first


def test_a_check_in_leaves_the_roadmap_kept_and_its_pages_show_the_new_value(world, client, monkeypatch):
    from northstar.core.progress import progress
    from northstar.okrs.models import KeyResult
    from northstar.okrs.queries import measure_of
    from northstar.testing import freeze_today

    def shown() -> str:  # the served key result's progress, as the pages write it
        kr = KeyResult.objects.get(pk=world.key_result.pk)
        return f'value="{progress(measure_of(kr)).value:.3f}"'

    freeze_today(monkeypatch, TODAY)
    boss = world.actor(world.owner)
    item = actions.create_work_item(boss, title="Launch", team=world.growth.pk, start=TODAY, end=TODAY)
    actions.set_contribution(boss, item.pk, key_result=world.key_result.pk, weight=1)
    client.force_login(world.owner)
    pages = ("/roadmap/list/", f"/roadmap/items/{item.pk}/")
    before = shown()
    assert all(before in client.get(path).content.decode() for path in pages)
    first = load_roadmap(boss, today=TODAY)
    okr_actions.do_check_in(boss, world.key_result.pk, value=world.key_result.target)
    assert load_roadmap(boss, today=TODAY) is first
    assert shown() != before
    for path in pages:
        assert shown() in client.get(path).content.decode(), path


def test_a_roadmap_kept_in_one_language_is_not_shown_in_another(world):
    from django.utils import translation

    from northstar.workspaces import actions as ws_actions

    boss = world.actor(world.owner)
    actions.create_work_item(boss, title="Unplanned", team=world.growth.pk, start=TODAY, end=TODAY)

    def unlinked_lane():
        return next(lane.label for lane in load_roadmap(boss, today=TODAY).lanes if lane.unlinked)

    with translation.override("en"):
        english = unlinked_lane()
    with translation.override("sv"):
        swedish = unlinked_lane()
    with translation.override("en"):
        # a saved language alone leaves the plan's revision standing
        ws_actions.set_language(world.owner, "sv")
        assert unlinked_lane() == english
    assert english == "Not linked to any OKR" and swedish != english
