import datetime as dt
import re

import pytest

from northstar.integrations.calendar import calendar, feed_token
from northstar.roadmap import actions as roadmap_actions

pytestmark = pytest.mark.django_db


def events(text):
    return re.findall(r"BEGIN:VEVENT\r\n(.*?)END:VEVENT", text, re.S)


def milestone(world, title, team, day):
    return roadmap_actions.create_work_item(world.actor(world.owner), kind="milestone", title=title, team=team.pk,
                                            start=day, end=day)  # fmt: skip


def test_the_feed_lists_milestones_and_period_ends_as_all_day_events(world):
    milestone(world, "Billing v2 cut-over, phase 1; for all", world.growth, dt.date(2026, 12, 10))
    text = calendar(world.actor(world.viewer), None)
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and text.endswith("END:VCALENDAR\r\n")
    found = events(text)
    assert len(found) == 1 + 2  # the milestone, and the two periods' ends
    cut_over = next(e for e in found if "cut-over" in e)
    assert "DTSTART;VALUE=DATE:20261210" in cut_over and "DTEND;VALUE=DATE:20261211" in cut_over
    assert "SUMMARY:Billing v2 cut-over\\, phase 1\\; for all" in cut_over
    assert any("DTSTART;VALUE=DATE:20261231" in e and "FY27 Q2" in e for e in found)
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_a_team_feed_has_that_teams_milestones_only(world):
    milestone(world, "Growth launch", world.growth, dt.date(2026, 12, 1))
    milestone(world, "IT probes live", world.it, dt.date(2026, 12, 2))
    text = calendar(world.actor(world.viewer), world.it.pk)
    assert "IT probes live" in text and "Growth launch" not in text


def test_the_feed_address_works_without_a_session_and_shows_nothing_of_another_workspace(world, client):
    milestone(world, "Growth launch", world.growth, dt.date(2026, 12, 1))
    token = feed_token(world.actor(world.viewer), None)
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert "Growth launch" in response.content.decode() and "Bolt" not in response.content.decode()
    assert client.get(f"/calendar/{token[:-2]}xx.ics").status_code == 404
    outsider = feed_token(world.actor(world.outsider, world.other_workspace), None)
    assert "Growth launch" not in client.get(f"/calendar/{outsider}.ics").content.decode()


def test_a_feed_stops_when_its_person_leaves(world, client):
    from northstar.workspaces.models import Membership

    token = feed_token(world.actor(world.viewer), None)
    Membership.objects.filter(user=world.viewer, workspace=world.workspace).delete()
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_the_calendar_page_lists_a_feed_per_team(world, client):
    client.force_login(world.viewer)
    html = client.get("/calendar/").content.decode()
    assert html.count("/calendar/") >= 4 and ".ics" in html
