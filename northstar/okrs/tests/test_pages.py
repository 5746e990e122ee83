import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from northstar.okrs import actions
from northstar.okrs.models import CheckIn, KeyResult, Objective
from northstar.testing import PERSONAS

pytestmark = pytest.mark.django_db


def page_urls(world):
    o, kr = world.objective.pk, world.key_result.pk
    return {
        "dashboard": "/",
        "okrs": "/okrs/",
        "objective": f"/okrs/{o}/",
        "key_result": f"/key-results/{kr}/",
        "objective_edit": f"/okrs/{o}/edit/",
        "key_result_edit": f"/key-results/{kr}/edit/",
        "objective_create": "/okrs/new/",
        "key_result_create": f"/okrs/{o}/key-results/new/",
        "check_in": f"/key-results/{kr}/check-in/",
    }


PAGES = [
    "dashboard", "okrs", "objective", "key_result", "objective_edit", "key_result_edit", "objective_create",
    "key_result_create", "check_in",
]  # fmt: skip
# Expected status per persona for each page of workspace A (the outsider is signed in to workspace B).
EVERYTHING = dict.fromkeys(PAGES, 200)
READ_ONLY = {**dict.fromkeys(PAGES, 403), "dashboard": 200, "okrs": 200, "objective": 200, "key_result": 200}
EXPECTED = {
    "owner": EVERYTHING,
    "admin": EVERYTHING,
    "editor": EVERYTHING,
    "viewer": READ_ONLY,
    # An editor of IT may create objectives for IT but not touch Growth's.
    "other_team": {**READ_ONLY, "objective_create": 200},
    # Signed in to workspace B: workspace A's objects do not exist for them.
    "outsider": {**dict.fromkeys(PAGES, 404), "dashboard": 200, "okrs": 200, "objective_create": 200},
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page_name", PAGES)
def test_page_permissions(world, client, persona, page_name):
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)
    response = client.get(page_urls(world)[page_name])
    if user is None:
        assert response.status_code == 302 and "/login/" in response["Location"]
        return
    assert response.status_code == EXPECTED[persona][page_name]
    if persona == "outsider":
        assert world.objective.title not in response.content.decode()


@pytest.mark.parametrize("persona", ["owner", "editor", "viewer", "other_team", "outsider"])
def test_private_objective_shows_only_to_its_team_and_admins(world, client, persona):
    client.force_login(world.persona(persona))
    html = client.get(f"/okrs/?period={world.quarter.pk}").content.decode()
    visible = persona in {"owner", "editor", "viewer"}
    assert (world.private_objective.title in html) is visible
    detail = client.get(f"/okrs/{world.private_objective.pk}/")
    assert detail.status_code == (200 if visible else 404)


def test_okr_page_groups_by_team_and_filters(world, client):
    client.force_login(world.owner)
    html = client.get(f"/okrs/?period={world.period.pk}").content.decode()
    # The year view also shows the quarter's objectives (the quarter lies within the year).
    assert world.objective.title in html and world.it_objective.title in html
    assert html.index("Growth") < html.index(world.objective.title)
    card = 'id="objective-{}"'.format
    filtered = client.get(f"/okrs/?period={world.period.pk}&team={world.it.pk}").content.decode()
    assert card(world.it_objective.pk) in filtered and card(world.objective.pk) not in filtered
    searched = client.get(f"/okrs/?period={world.period.pk}&q=uptime").content.decode()
    assert card(world.it_objective.pk) in searched and card(world.objective.pk) not in searched


def test_htmx_filter_returns_only_the_tree(world, client):
    client.force_login(world.owner)
    response = client.get("/okrs/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="okr-tree")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="okr-tree"') and "<html" not in html


def test_check_in_in_place_returns_row_and_new_progress(world, client):
    client.force_login(world.editor)
    kr = world.key_result
    response = client.post(
        f"/key-results/{kr.pk}/check-in/",
        {"value": "10", "confidence": "8", "comment": "Halfway", "version": kr.version},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    # 0 → 20, value 10: half way; the objective has this one KR, so it is at 50 % as well.
    assert f'id="kr-{kr.pk}"' in html and "50&nbsp;%" in html
    assert f'id="objective-progress-{world.objective.pk}" hx-swap-oob="true"' in html
    assert CheckIn.objects.get(key_result=kr).comment == "Halfway"


def test_check_in_errors_stay_in_the_form(world, client):
    client.force_login(world.editor)
    kr = world.key_result
    response = client.post(
        f"/key-results/{kr.pk}/check-in/", {"value": "", "version": kr.version}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    assert response["HX-Retarget"] == f"#kr-{kr.pk}-form"
    assert "Enter the current value" in response.content.decode()
    assert not CheckIn.objects.filter(key_result=kr).exists()


def test_stale_check_in_answers_409(world, client):
    client.force_login(world.editor)
    kr = world.key_result
    actions.do_check_in(world.actor(world.owner), kr.pk, value=3)
    response = client.post(
        f"/key-results/{kr.pk}/check-in/", {"value": "4", "version": kr.version}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 409
    assert KeyResult.objects.get(pk=kr.pk).current_value == 3


def test_a_stale_check_in_without_javascript_can_be_sent_again(world, client):
    """The 409 page shows the form with the key result's version now, without HTMX targets it has no room for."""
    client.force_login(world.editor)
    kr = world.key_result
    actions.do_check_in(world.actor(world.owner), kr.pk, value=3)
    response = client.post(
        f"/key-results/{kr.pk}/check-in/", {"value": "4", "version": kr.version, "next_is_detail": "1"}
    )
    assert response.status_code == 409
    html = response.content.decode()
    current = KeyResult.objects.get(pk=kr.pk).version
    assert (
        f'name="version" value="{current}"' in html and "hx-post" not in html.split("check-in-form")[1][:400]
    )
    assert 'name="next_is_detail"' in html
    again = client.post(
        f"/key-results/{kr.pk}/check-in/", {"value": "4", "version": current, "next_is_detail": "1"}
    )
    assert again.status_code == 302 and KeyResult.objects.get(pk=kr.pk).current_value == 4


def test_create_objective_then_key_result(world, client):
    client.force_login(world.editor)
    response = client.post(
        "/okrs/new/",
        {"title": "Delight new customers", "team": world.growth.pk, "period": world.quarter.pk, "status": "active",
         "visibility": "workspace", "weight": "1", "parents": [world.objective.pk]},
    )  # fmt: skip
    objective = Objective.objects.get(title="Delight new customers")
    assert response.status_code == 302 and response["Location"] == f"/okrs/{objective.pk}/key-results/new/"
    assert list(objective.parents.all()) == [world.objective]
    response = client.post(
        f"/okrs/{objective.pk}/key-results/new/",
        {
            "title": "Cut time to first value from 5 to 2 days",
            "kind": "decrease",
            "start": "5",
            "target": "2",
            "weight": "1",
        },
    )
    assert response.status_code == 302
    assert objective.key_results.get().target == 2


def test_inline_validation_answers_only_the_errors_without_saving(world, client):
    client.force_login(world.editor)
    url = f"/okrs/{world.objective.pk}/key-results/new/"
    data = {"title": "Grow", "kind": "increase", "start": "5", "target": "5", "weight": "1", "_validate": "1"}
    response = client.post(url, data, HTTP_HX_REQUEST="true", HTTP_HX_TRIGGER_NAME="target")
    html = response.content.decode()
    assert response.status_code == 200 and "<input" not in html  # nothing the person is typing is replaced
    target_error = re.search(
        r'<p class="error" id="id_target_error" hx-swap-oob="true"( hidden)?>([^<]*)</p>', html
    )
    assert (
        target_error
        and not target_error.group(1)
        and "must differ from the start value" in target_error.group(2)
    )
    assert not KeyResult.objects.filter(title="Grow").exists()
    # An empty field the person has not reached yet is not reported while typing ...
    untouched = client.post(
        url, {**data, "title": "", "target": "9"}, HTTP_HX_REQUEST="true", HTTP_HX_TRIGGER_NAME="target"
    )
    assert re.search(r'id="id_title_error" hx-swap-oob="true" hidden>', untouched.content.decode())
    # ... but a real submit reports it.
    submitted = client.post(url, {k: v for k, v in data.items() if k != "_validate"} | {"title": ""})
    assert submitted.status_code == 422 and "This field is required" in submitted.content.decode()


def test_key_result_keeps_only_the_measures_of_its_kind(world, client):
    client.force_login(world.editor)
    url = f"/okrs/{world.objective.pk}/key-results/new/"
    form = client.get(url).content.decode()
    assert all(f'name="{name}"' in form for name in ("start", "target", "low", "high"))
    # The form hides start/target for a range with CSS, so they may still be posted: they are not kept.
    data = {
        "title": "Keep NPS in band",
        "kind": "range",
        "low": "40",
        "high": "60",
        "start": "1",
        "target": "2",
        "weight": "1",
    }
    assert client.post(url, data).status_code == 302
    kr = KeyResult.objects.get(title="Keep NPS in band")
    assert (kr.low, kr.high, kr.start, kr.target) == (40, 60, None, None)


def test_edit_with_stale_version_answers_409_and_keeps_the_other_change(world, client):
    client.force_login(world.owner)
    objective = world.objective
    actions.update_objective(world.actor(world.admin), objective.pk, title="Changed by Adam")
    response = client.post(
        f"/okrs/{objective.pk}/edit/",
        {"title": "Changed by Olivia", "team": world.growth.pk, "period": world.period.pk, "status": "active",
         "visibility": "workspace", "weight": "1", "version": objective.version},
    )  # fmt: skip
    assert response.status_code == 409
    assert Objective.objects.get(pk=objective.pk).title == "Changed by Adam"


def test_key_result_page_shows_chart_and_history(world, client):
    owner = world.actor(world.owner)
    for value in (2, 5, 9):
        actions.do_check_in(owner, world.key_result.pk, value=value)
    client.force_login(world.viewer)
    html = client.get(f"/key-results/{world.key_result.pk}/").content.decode()
    assert len(re.findall(r"<circle ", html)) == 3
    assert 'class="target-line"' in html
    assert "History" in html and "checked in" in html
    assert "Save check-in" not in html  # viewers cannot check in


def _add_objectives(world, n):
    owner = world.actor(world.owner)
    for i in range(n):
        o = actions.create_objective(
            owner, title=f"Objective {i}", team=world.growth.pk, period=world.quarter.pk
        )
        for j in range(3):
            kr = actions.create_key_result(
                owner, o.pk, title=f"KR {i}.{j}", start=0, target=10, owner=world.editor.pk
            )
            actions.do_check_in(owner, kr.pk, value=j + 1, confidence=0.5)
        actions.update_objective(owner, o.pk, parents=[world.objective.pk])


@pytest.mark.parametrize("url", ["/okrs/", "/"])
def test_query_count_does_not_grow_with_objectives(world, client, url):
    client.force_login(world.editor)
    _add_objectives(world, 2)
    client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _add_objectives(world, 12)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200 and "Objective 11" in response.content.decode()
    assert len(many) == len(few)


def test_language_follows_the_user(world, client):
    world.editor.language = "sv"
    world.editor.save()
    client.force_login(world.editor)
    html = client.get("/okrs/").content.decode()
    assert '<html lang="sv">' in html


def test_range_key_result_is_judged_by_its_band(world, client):
    owner = world.actor(world.owner)
    kr = actions.create_key_result(
        owner, world.objective.pk, title="Keep NPS between 40 and 60", kind="range", low=40, high=60
    )
    actions.do_check_in(owner, kr.pk, value=50)
    client.force_login(world.owner)
    html = client.get(f"/key-results/{kr.pk}/").content.decode()
    assert 'class="pill status-on_track"' in html and "Inside the range" in html
    actions.do_check_in(owner, kr.pk, value=10)  # 30 below a band 20 wide: far outside
    html = client.get(f"/key-results/{kr.pk}/").content.decode()
    assert 'class="pill status-off_track"' in html
