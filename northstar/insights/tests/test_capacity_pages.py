"""Setting team capacities inline on the coverage report, and the over-capacity warning on the roadmap."""

import pytest
from django.utils import timezone

from northstar.exchange.demo import load_demo
from northstar.okrs.models import Period
from northstar.roadmap.models import TeamCapacity
from northstar.workspaces.models import AuditEntry, Team, User, Workspace

HTMX = {"HTTP_HX_REQUEST": "true"}
# Growth's load in FY27 Q2 of the demo is 57.03 person-days (see test_coverage.py for how it is spread); its
# capacity there is 90.


@pytest.fixture
def demo(db):
    # The pages read the real date: shift the demo so that today is its 2026-11-25 (FY27 Q2 is the current quarter).
    load_demo(today=timezone.localdate())
    workspace = Workspace.objects.get(slug="finvest")
    return {
        "workspace": workspace,
        "owner": User.objects.get(email="maria.lind@finvest.example"),
        "editor": User.objects.get(email="omar.haddad@finvest.example"),
        "growth": Team.objects.get(workspace=workspace, key="growth"),
        "quarter": Period.objects.get(workspace=workspace, key="FY27-Q2"),
    }


def changes_audited():
    # Loading the demo records the creation of its capacities; a page's changes are updates.
    return AuditEntry.objects.filter(object_type="teamcapacity", action="update")


def growth_capacity(demo):
    return TeamCapacity.objects.get(team=demo["growth"], period=demo["quarter"]).person_days


def post(client, demo, person_days, **extra):
    data = {"team": demo["growth"].pk, "period": demo["quarter"].pk, "person_days": person_days}
    return client.post("/insights/capacity/", data, **extra)


def coverage_page(client, demo):
    return client.get(f"/insights/coverage/?period={demo['quarter'].pk}").content.decode()


def test_admins_see_a_capacity_form_per_team_row(demo, client):
    client.force_login(demo["owner"])
    html = coverage_page(client, demo)
    growth = demo["growth"].pk
    assert f'id="capacity-{growth}" name="person_days" type="number"' in html
    assert 'value="90"' in html  # the demo's capacity, as a number input reads it
    assert 'hx-post="/insights/capacity/"' in html


def test_non_admins_see_the_values_only(demo, client):
    client.force_login(demo["editor"])
    html = coverage_page(client, demo)
    assert 'name="person_days"' not in html and "/insights/capacity/" not in html
    assert ">90<" in html  # Growth's capacity, shown as a plain value
    assert ">33<" in html  # and its free days: 90 - 57.03


def test_htmx_save_swaps_the_row_with_the_new_free_days(demo, client):
    client.force_login(demo["owner"])
    response = post(client, demo, "100", **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith(f'<tr id="capacity-row-{demo["growth"].pk}"')
    assert "<table" not in html  # just the row
    assert 'value="100"' in html and ">43<" in html  # free: 100 - 57.03
    assert "Saved." in html and "over capacity" not in html
    assert growth_capacity(demo) == 100


def test_without_javascript_saving_redirects_back_to_the_report(demo, client):
    client.force_login(demo["owner"])
    response = post(client, demo, "42.5")
    assert response.status_code == 302
    assert response["Location"] == f"/insights/coverage/?period={demo['quarter'].pk}"
    assert growth_capacity(demo) == 42.5
    html = client.get(response["Location"]).content.decode()
    assert 'value="42.5"' in html and "is saved" in html


def test_capacity_below_the_load_shows_over_capacity_on_coverage_and_roadmap(demo, client):
    client.force_login(demo["owner"])
    assert "is over capacity" not in client.get("/roadmap/").content.decode()
    row = post(client, demo, "50", **HTMX).content.decode()
    assert "over capacity" in row and ">-7.03<" in row  # free: 50 - 57.03
    html = coverage_page(client, demo)
    assert "over capacity" in html
    roadmap = client.get("/roadmap/").content.decode()
    assert "Growth is over capacity in FY27 Q2: 57 of 50 person-days planned." in roadmap
    assert f'href="/insights/coverage/?period={demo["quarter"].pk}"' in roadmap
    # The other teams are within their capacity and are not named.
    assert "IT is over capacity" not in roadmap and "Support is over capacity" not in roadmap


def test_the_roadmap_warning_costs_no_extra_queries(demo, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(demo["owner"])
    client.get("/roadmap/")
    with CaptureQueriesContext(connection) as within:
        client.get("/roadmap/")
    TeamCapacity.objects.filter(team=demo["growth"], period=demo["quarter"]).update(person_days=10)
    with CaptureQueriesContext(connection) as over:
        html = client.get("/roadmap/").content.decode()
    assert "Growth is over capacity" in html
    assert len(over) == len(within)


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_an_editor_may_not_set_capacity(demo, client, headers):
    client.force_login(demo["editor"])
    response = post(client, demo, "10", **headers)
    assert response.status_code == 403
    assert growth_capacity(demo) == 90
    assert not changes_audited()


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("-5", "Enter a number of person-days from 0 to 1000000."),
        ("lots", "Enter a number of person-days, e.g. 90 or 42.5."),
        ("", "Enter a number of person-days."),
        ("nan", "Enter a number of person-days, e.g. 90 or 42.5."),
    ],
)
@pytest.mark.parametrize("headers", [{}, HTMX])
def test_invalid_input_shows_a_field_error_and_changes_nothing(demo, client, value, error, headers):
    client.force_login(demo["owner"])
    response = post(client, demo, value, **headers)
    assert response.status_code == 422
    html = response.content.decode()
    growth = demo["growth"].pk
    assert f'<p class="error" id="capacity-{growth}_error" role="alert">{error}' in html
    assert f'aria-describedby="capacity-{growth}_error"' in html
    assert ("<table" in html) != bool(headers)  # HTMX gets the row, a plain post the whole report
    assert growth_capacity(demo) == 90
    assert not changes_audited()


def test_another_workspaces_team_or_period_is_not_found(demo, client, world):
    client.force_login(demo["owner"])
    data = {"team": world.growth.pk, "period": demo["quarter"].pk, "person_days": "10"}
    assert client.post("/insights/capacity/", data).status_code == 404
    data = {"team": demo["growth"].pk, "period": world.quarter.pk, "person_days": "10"}
    assert client.post("/insights/capacity/", data).status_code == 404
    assert growth_capacity(demo) == 90


def test_get_is_not_allowed(demo, client):
    client.force_login(demo["owner"])
    assert client.get("/insights/capacity/").status_code == 405


def test_the_change_is_audited(demo, client):
    client.force_login(demo["owner"])
    post(client, demo, "75", **HTMX)
    entry = changes_audited().get()
    assert entry.actor == demo["owner"] and entry.object_id == demo["growth"].capacities.get().pk
    assert entry.before["person_days"] == 90 and entry.after["person_days"] == 75
    # Saving the same value again changes nothing and records nothing.
    post(client, demo, "75", **HTMX)
    assert changes_audited().count() == 1


def test_the_coverage_table_pages_its_teams_and_a_save_answers_from_the_right_page(demo, client, monkeypatch):
    """2,000 teams at enterprise scale: the table shows a page of them in the report's order, and a capacity saved
    (or refused) for a team on a later page comes back on that page, not as a whole report afresh."""
    from northstar.insights import views
    from northstar.insights.queries import coverage_report
    from northstar.workspaces.permissions import actor_for

    monkeypatch.setattr(views, "COVERAGE_TEAMS_PAGE_SIZE", 2)
    lines = coverage_report(actor_for(demo["owner"], demo["workspace"]), demo["quarter"],
                            today=timezone.localdate()).teams  # fmt: skip
    assert len(lines) > 2
    client.force_login(demo["owner"])
    pages = -(-len(lines) // 2)
    for number in range(1, pages + 1):
        html = client.get(f"/insights/coverage/?period={demo['quarter'].pk}&page={number}").content.decode()
        shown = {line.team.pk for line in lines if f'id="capacity-row-{line.team.pk}"' in html}
        assert shown == {line.team.pk for line in lines[(number - 1) * 2 : number * 2]}
        assert f"Page {number} of {pages}" in html
    last = lines[-1].team
    data = {"team": last.pk, "period": demo["quarter"].pk, "person_days": "12"}
    swapped = client.post("/insights/capacity/", data, **HTMX)
    assert swapped.status_code == 200 and swapped.content.decode().strip().startswith(
        f'<tr id="capacity-row-{last.pk}"'
    )
    refused = client.post("/insights/capacity/", {**data, "person_days": "-1"}).content.decode()
    assert f'id="capacity-row-{last.pk}"' in refused and 'aria-invalid="true"' in refused
    assert f"Page {pages} of {pages}" in refused
