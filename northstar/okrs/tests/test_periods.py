"""Period pages: the FY ▸ quarter tree, and admins' writes through okrs.actions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from northstar.okrs import actions as okr_actions
from northstar.okrs.models import Period
from northstar.workspaces.models import AuditEntry

pytestmark = pytest.mark.django_db

MEMBERS = ["owner", "admin", "editor", "viewer", "other_team"]


def test_anonymous_is_sent_to_sign_in(client, world):
    for url in (reverse("periods"), reverse("period", args=[world.period.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", MEMBERS)
def test_members_see_the_period_tree(login, world, persona):
    response = login(world.persona(persona)).get(reverse("periods"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("FY 2027") < html.index("FY27 Q2")
    assert 'class="tree-row tree-indent-1"' in html
    assert '<time datetime="2026-10-01">' in html
    assert "Open" in html and "Bolt" not in html


@pytest.mark.parametrize("persona", MEMBERS)
def test_members_see_a_period_page_with_its_history(login, world, persona):
    response = login(world.persona(persona)).get(reverse("period", args=[world.quarter.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "FY27 Q2" in html and "History" in html and "created this" in html


def test_only_admins_see_the_period_controls(login, world):
    assert reverse("period-create") not in login(world.editor).get(reverse("periods")).content.decode()
    assert reverse("period-create") in login(world.admin).get(reverse("periods")).content.decode()


def test_outsider_sees_nothing_of_another_workspaces_periods(login, world):
    client = login(world.outsider)
    html = client.get(reverse("periods")).content.decode()
    assert ">FY 2027<" not in html and "FY27 Q2" not in html and "Acme" not in html
    assert client.get(reverse("period", args=[world.period.pk])).status_code == 404
    assert client.post(reverse("period-close", args=[world.period.pk])).status_code == 404


def test_admin_creates_a_period(login, world):
    response = login(world.admin).post(
        reverse("period-create"),
        {"name": "FY 2028", "kind": "year", "start": "2027-07-01", "end": "2028-06-30"},
    )
    assert response.status_code == 302
    period = Period.objects.get(workspace=world.workspace, name="FY 2028")
    assert (period.kind, period.start, period.end, period.parent) == (
        "year",
        dt.date(2027, 7, 1),
        dt.date(2028, 6, 30),
        None,
    )
    assert AuditEntry.objects.filter(object_type="period", object_id=period.pk, action="create").exists()


@pytest.mark.parametrize("persona", ["editor", "viewer", "other_team"])
def test_non_admins_cannot_create_periods(login, world, persona):
    response = login(world.persona(persona)).post(
        reverse("period-create"),
        {"name": "Rogue", "kind": "custom", "start": "2027-01-01", "end": "2027-02-01"},
    )
    assert response.status_code == 403
    assert not Period.objects.filter(name="Rogue").exists()


def test_a_period_must_lie_within_its_parent(login, world):
    response = login(world.admin).post(
        reverse("period-create"),
        {
            "name": "Too long",
            "kind": "quarter",
            "start": "2027-05-01",
            "end": "2027-08-31",
            "parent": world.period.pk,
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "A period must lie within its parent period." in html
    assert 'id="id_parent_error"' in html
    assert not Period.objects.filter(name="Too long").exists()


def test_a_period_must_end_after_it_starts(login, world):
    response = login(world.admin).post(
        reverse("period-create"),
        {"name": "Backwards", "kind": "custom", "start": "2027-05-01", "end": "2027-04-01"},
    )
    assert 'id="id_end_error"' in response.content.decode()


def test_editing_a_period_outside_its_parent_is_refused(login, world):
    response = login(world.admin).post(
        reverse("period", args=[world.quarter.pk]),
        {"name": "FY27 Q2", "kind": "quarter", "start": "2026-10-01", "end": "2027-07-31",
         "parent": world.period.pk, "version": world.quarter.version},
    )  # fmt: skip
    assert "A period must lie within its parent period." in response.content.decode()
    world.quarter.refresh_from_db()
    assert world.quarter.end == dt.date(2026, 12, 31)


def test_admin_edits_a_period_and_it_shows_in_the_history(login, world):
    client = login(world.admin)
    response = client.post(
        reverse("period", args=[world.quarter.pk]),
        {"name": "FY27 Q2 (Oct–Dec)", "kind": "quarter", "start": "2026-10-01", "end": "2026-12-31",
         "parent": world.period.pk, "version": world.quarter.version},
    )  # fmt: skip
    assert response.status_code == 302
    html = client.get(reverse("period", args=[world.quarter.pk])).content.decode()
    assert "changed" in html and "FY27 Q2 (Oct–Dec)" in html


def test_add_the_four_quarters_of_a_year(login, world):
    actor = world.actor(world.admin)
    year = okr_actions.create_period(
        actor, name="FY 2028", kind="year", start=dt.date(2027, 7, 1), end=dt.date(2028, 6, 30)
    )
    client = login(world.admin)
    assert reverse("period-quarters", args=[year.pk]) in client.get(reverse("periods")).content.decode()
    response = client.post(reverse("period-quarters", args=[year.pk]), follow=True)
    assert "Added the quarters of FY 2028." in response.content.decode()
    quarters = list(
        Period.objects.filter(parent=year).order_by("start").values_list("name", "kind", "start", "end")
    )
    assert quarters == [
        ("FY 2028 Q1", "quarter", dt.date(2027, 7, 1), dt.date(2027, 9, 30)),
        ("FY 2028 Q2", "quarter", dt.date(2027, 10, 1), dt.date(2027, 12, 31)),
        ("FY 2028 Q3", "quarter", dt.date(2028, 1, 1), dt.date(2028, 3, 31)),
        ("FY 2028 Q4", "quarter", dt.date(2028, 4, 1), dt.date(2028, 6, 30)),
    ]
    assert reverse("period-quarters", args=[year.pk]) not in client.get(reverse("periods")).content.decode()


def test_quarters_are_not_added_twice(login, world):
    response = login(world.admin).post(reverse("period-quarters", args=[world.period.pk]), follow=True)
    assert "already has sub-periods" in response.content.decode()
    assert Period.objects.filter(parent=world.period).count() == 1


def test_admin_closes_and_reopens_a_period(login, world):
    client = login(world.admin)
    client.post(reverse("period-close", args=[world.quarter.pk]))
    world.quarter.refresh_from_db()
    assert world.quarter.closed is True
    assert "Closed" in client.get(reverse("periods")).content.decode()
    client.post(reverse("period-close", args=[world.quarter.pk]))
    world.quarter.refresh_from_db()
    assert world.quarter.closed is False


def test_viewer_cannot_close_a_period(login, world):
    assert login(world.viewer).post(reverse("period-close", args=[world.quarter.pk])).status_code == 403
    world.quarter.refresh_from_db()
    assert world.quarter.closed is False


def test_a_period_in_use_cannot_be_deleted(login, world):
    response = login(world.admin).post(reverse("period-delete", args=[world.quarter.pk]))
    assert "still has objectives or sub-periods" in response.content.decode()
    assert Period.objects.filter(pk=world.quarter.pk).exists()


def test_admin_deletes_an_unused_period(login, world):
    spare = okr_actions.create_period(
        world.actor(world.admin), name="Spare", start=dt.date(2030, 1, 1), end=dt.date(2030, 3, 31)
    )
    client = login(world.admin)
    assert "data-confirm=" in client.get(reverse("period", args=[spare.pk])).content.decode()
    assert client.post(reverse("period-delete", args=[spare.pk])).status_code == 302
    assert not Period.objects.filter(pk=spare.pk).exists()
    assert AuditEntry.objects.filter(object_type="period", object_id=spare.pk, action="delete").exists()
