"""Remembered pages: a repeated read is answered from memory, and no change is ever hidden by it."""

import datetime as dt

import pytest
from django.contrib import messages
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver

from northstar.coach import actions as coach_actions
from northstar.okrs import actions as okr_actions
from northstar.okrs.models import CheckIn, KeyResult, Objective
from northstar.roadmap.models import WorkItem
from northstar.testing import API, freeze_today, make_user
from northstar.workspaces import actions as ws_actions
from northstar.workspaces import revisions
from northstar.workspaces.models import Membership, Team, TeamMember, User, Workspace, WorkspaceRevision
from northstar.workspaces.remembered import REMEMBERED, page_key

pytestmark = pytest.mark.django_db


def browser(user, csrf_cookie="a" * 32):
    """A signed-in browser holding a CSRF cookie, as one has after its first page."""
    client = Client()
    client.force_login(user)
    client.cookies["csrftoken"] = csrf_cookie
    return client


def read(client, path, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, headers=headers)
    assert response.status_code == 200, response.content[:300]
    return response.content.decode(), len(queries)


def test_a_second_read_is_answered_from_memory_without_computing_the_page(world):
    client = browser(world.owner)
    first, computed = read(client, "/")
    again, remembered = read(client, "/")
    assert again == first
    assert remembered <= 3 < computed  # session, user, membership with its workspace and the revision


@pytest.mark.parametrize(
    "path", ["/", "/okrs/", "/okrs/{objective}/", f"{API}/objectives", f"{API}/objectives/{{objective}}"]
)
def test_a_change_shows_on_the_next_read_of_a_remembered_page(world, path):
    path = path.format(objective=world.objective.pk)
    client = browser(world.owner)
    before, _q = read(client, path)
    read(client, path)
    objective = Objective.objects.get(pk=world.objective.pk)
    okr_actions.update_objective(
        world.actor(world.owner),
        objective.pk,
        expected_version=objective.version,
        title="Zebra-striped objective",
    )
    after, _q = read(client, path)
    assert "Zebra-striped objective" not in before and "Zebra-striped objective" in after


def test_no_seconds_of_memory_is_no_memory(world, settings):
    settings.NORTHSTAR_PAGE_MEMORY_SECONDS = 0
    client = browser(world.owner)
    read(client, "/")
    _page, computed = read(client, "/")
    assert computed > 4


def test_each_person_gets_their_own_page_even_with_the_same_cookie(world):
    owner_page, _q = read(browser(world.owner), "/okrs/")
    outsider_page, _q = read(browser(world.other_team), "/okrs/")
    assert world.private_objective.title in owner_page
    assert world.private_objective.title not in outsider_page


def test_a_new_role_is_a_new_page(world):
    client = browser(world.viewer)
    before, _q = read(client, "/okrs/")
    Membership.objects.filter(user=world.viewer, workspace=world.workspace).update(role="editor")
    after, computed = read(client, "/okrs/")
    assert computed > 7
    assert after != before  # an editor sees the buttons to add objectives


def test_a_workspace_switch_is_a_new_page(world):
    ws_actions.create_workspace(world.owner, name="Second company")
    client = browser(world.owner)
    first, _q = read(client, "/okrs/")
    session = client.session
    session["workspace_id"] = Membership.objects.get(
        user=world.owner, workspace__name="Second company"
    ).workspace_id
    session.save()
    second, _q = read(client, "/okrs/")
    assert world.objective.title in first and world.objective.title not in second


def test_the_partial_an_htmx_request_gets_is_not_served_as_the_whole_page(world):
    client = browser(world.owner)
    whole, _q = read(client, "/okrs/")
    part, _q = read(client, "/okrs/", HX_Request="true", HX_Target="okr-tree")
    whole_again, _q = read(client, "/okrs/")
    assert "<html" in whole and "<html" not in part and whole_again == whole


def test_another_day_is_another_page(world, monkeypatch):
    client = browser(world.owner)
    read(client, "/")
    freeze_today(monkeypatch, dt.date.today() + dt.timedelta(days=1))
    _page, computed = read(client, "/")
    assert computed > 7


@pytest.mark.parametrize("cookie", [None, "not a csrf secret"])
def test_a_browser_without_a_valid_csrf_cookie_is_never_served_a_stored_page(world, cookie):
    client = browser(world.owner)
    for _attempt in range(2):  # the answer sends a new cookie; this browser keeps not having one
        if cookie is None:
            client.cookies.pop("csrftoken", None)
        else:
            client.cookies["csrftoken"] = cookie
        _page, computed = read(client, "/")
    assert computed > 7


def test_a_waiting_message_is_shown_not_a_stored_page(world, rf):
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    request = rf.get("/")
    request.user, request.session, request.LANGUAGE_CODE = world.owner, SessionStore(), "en"
    request.META["CSRF_COOKIE"] = "a" * 32
    request._messages = FallbackStorage(request)
    assert page_key(request) is not None
    messages.success(request, "Saved.")
    assert page_key(request) is None


def test_a_token_read_is_remembered_and_a_change_through_the_api_is_seen(world):
    _token, raw = ws_actions.create_api_token(world.actor(world.owner), name="script")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    first, computed = read(client, f"{API}/objectives")
    again, remembered = read(client, f"{API}/objectives")
    assert again == first and remembered < computed
    assert remembered == 1  # the token with its user and workspace, the user's role there and the revision
    objective = Objective.objects.get(pk=world.objective.pk)
    response = client.patch(
        f"{API}/objectives/{objective.pk}",
        {"title": "Delight every customer, measurably", "version": objective.version},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    after, _q = read(client, f"{API}/objectives")
    assert "Delight every customer, measurably" in after


def test_an_unknown_token_gets_the_apis_own_answer(world):
    response = Client(headers={"Authorization": "Bearer ns_nothing"}).get(f"{API}/objectives")
    assert response.status_code == 401


def test_every_remembered_name_is_a_real_view():
    names = set()

    def walk(resolver, namespace=""):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
            elif pattern.name:
                names.add(namespace + pattern.name)

    walk(get_resolver())
    assert names >= REMEMBERED, REMEMBERED - names


# --- the revision moves on every kind of write -------------------------------------------------------------------


def mark(workspace):
    return revisions.current(workspace.pk)


WRITES = {
    "save": lambda w: KeyResult.objects.filter(pk=w.key_result.pk).first().save(),
    "delete": lambda w: CheckIn.objects.filter(key_result=w.key_result).first().delete(),
    "queryset update": lambda w: KeyResult.objects.filter(pk=w.key_result.pk).update(title="Renamed"),
    "queryset delete": lambda w: CheckIn.objects.filter(key_result=w.key_result).delete(),
    "bulk create": lambda w: TeamMember.objects.bulk_create(
        [TeamMember(workspace=w.workspace, team=w.growth, user=make_user("new@acme.example"))]
    ),
    "bulk update": lambda w: Team.objects.bulk_update(
        [Team(pk=w.growth.pk, workspace=w.workspace, name="Growth 2", key="growth")], ["name"]
    ),
    "many-to-many add": lambda w: w.it.members.add(w.admin, through_defaults={"workspace": w.workspace}),
    "workspace settings": lambda w: w.workspace.save(),
    "a member's name": lambda w: User.objects.get(pk=w.viewer.pk).save(),
    "a member leaving for good": lambda w: User.objects.get(pk=w.viewer.pk).delete(),
}


@pytest.mark.parametrize("write", WRITES)
def test_every_kind_of_write_moves_the_revision_at_once_and_in_the_database_on_commit(
    world, write, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # commits what making the world left pending
        okr_actions.do_check_in(world.actor(world.owner), world.key_result.pk, value=3)
    committed_before, local_before = mark(world.workspace)
    other_before = mark(world.other_workspace)
    with django_capture_on_commit_callbacks(execute=True):
        WRITES[write](world)
        assert mark(world.workspace)[1] != local_before  # before the commit, in this process
    assert mark(world.workspace)[0] > committed_before  # after it, for every process
    assert mark(world.workspace)[1] == 0  # and the same in every process
    assert mark(world.other_workspace)[0] == other_before[0]


def plan_mark(workspace):
    return revisions.current(workspace.pk, plan=True)


PLAN_WRITES = {
    "a key result saved whole": (lambda w: KeyResult.objects.get(pk=w.key_result.pk).save(), True),
    "a key result's title": (
        lambda w: KeyResult.objects.filter(pk=w.key_result.pk).update(title="Renamed"),
        True,
    ),
    "a key result's weight, field by field": (
        lambda w: KeyResult.objects.get(pk=w.key_result.pk).save(update_fields=["weight", "updated_at"]),
        True,
    ),
    "a bulk update of a definition": (
        lambda w: KeyResult.objects.bulk_update(
            [KeyResult(pk=w.key_result.pk, workspace=w.workspace, target=99)], ["target"]
        ),
        True,
    ),
    "a team": (lambda w: Team.objects.filter(pk=w.growth.pk).update(name="Growth 2"), True),
    "a check-in": (lambda w: okr_actions.do_check_in(w.actor(w.owner), w.key_result.pk, value=4), False),
    "a key result's latest value": (
        lambda w: KeyResult.objects.filter(pk=w.key_result.pk).update(
            current_value=7, current_confidence=0.5
        ),
        False,
    ),
    "a check-in removed": (lambda w: CheckIn.objects.filter(key_result=w.key_result).delete(), False),
    "a member's role": (lambda w: _new_role(w), True),
    "a member's language": (lambda w: ws_actions.set_language(User.objects.get(pk=w.viewer.pk), "sv"), False),
}


def _new_role(w):
    return ws_actions.change_role(w.actor(w.owner), Membership.objects.get(user=w.viewer).pk, "editor")


@pytest.mark.parametrize("write", PLAN_WRITES)
def test_the_plan_revision_moves_with_what_the_roadmap_is_built_from_and_not_with_check_ins(
    world, write, django_capture_on_commit_callbacks
):
    do, moves_plan = PLAN_WRITES[write]
    with django_capture_on_commit_callbacks(execute=True):
        okr_actions.do_check_in(world.actor(world.owner), world.key_result.pk, value=3)
    before, plan_before = mark(world.workspace), plan_mark(world.workspace)
    with django_capture_on_commit_callbacks(execute=True):
        do(world)
        assert (plan_mark(world.workspace)[1] != plan_before[1]) is moves_plan  # at once, in this process
    assert mark(world.workspace)[0] > before[0]  # every write moves the pages' revision
    assert (plan_mark(world.workspace)[0] > plan_before[0]) is moves_plan
    assert plan_mark(world.workspace)[1] == 0


def okr_mark(workspace):
    return revisions.current(workspace.pk, okrs=True)


def _linked_work(w):
    from northstar.roadmap import actions as roadmap

    boss = w.actor(w.owner)
    item = roadmap.create_work_item(boss, title="Annual plans page", team=w.growth.pk)
    roadmap.set_contribution(boss, item.pk, key_result=w.key_result.pk)
    return item


OKR_WRITES = {  # (the write, whether it moves the OKR revision)
    "a work item": (_linked_work, False),
    "a work item's dates": (
        lambda w: WorkItem.objects.filter(pk=_linked_work(w).pk).update(
            start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 2)
        ),
        False,
    ),
    "a key result's target, in bulk": (
        lambda w: KeyResult.objects.filter(pk=w.key_result.pk).update(target=30),
        True,
    ),
    "a key result's target and weight, edited": (
        lambda w: okr_actions.update_key_result(w.actor(w.owner), w.key_result.pk, target=30, weight=2),
        False,
    ),
    "a key result's weight, without its version": (
        lambda w: KeyResult.objects.get(pk=w.key_result.pk).save(update_fields=["weight", "updated_at"]),
        True,
    ),
    "a key result's title, edited": (
        lambda w: okr_actions.update_key_result(w.actor(w.owner), w.key_result.pk, title="Renamed"),
        False,
    ),
    "a key result's owner, edited": (
        lambda w: okr_actions.update_key_result(w.actor(w.owner), w.key_result.pk, owner=w.viewer.pk),
        False,
    ),
    "a key result's owner and kind, edited": (
        lambda w: okr_actions.update_key_result(
            w.actor(w.owner), w.key_result.pk, owner=w.viewer.pk, kind="boolean", start=None, target=None
        ),
        True,
    ),
    "an objective, in bulk": (
        lambda w: Objective.objects.filter(pk=w.objective.pk).update(title="Renamed"),
        True,
    ),
    "an objective's title and description, edited": (
        lambda w: okr_actions.update_objective(
            w.actor(w.owner), w.objective.pk, title="Renamed", description="Why"
        ),
        False,
    ),
    "an objective's title and team, edited": (
        lambda w: okr_actions.update_objective(
            w.actor(w.owner), w.objective.pk, title="Renamed", team=w.it.pk
        ),
        True,
    ),
    "an objective's title, without its version": (
        lambda w: Objective.objects.get(pk=w.objective.pk).save(update_fields=["title", "updated_at"]),
        True,
    ),
    "a team": (lambda w: Team.objects.filter(pk=w.growth.pk).update(name="Growth 2"), True),
    "a member's name": (lambda w: User.objects.get(pk=w.viewer.pk).save(), True),
    "a check-in": (lambda w: okr_actions.do_check_in(w.actor(w.owner), w.key_result.pk, value=4), False),
    # people's places change a tree only through its viewer's own rights, part of its key
    "a member's role": (lambda w: _new_role(w), False),
    "a member's language": (lambda w: ws_actions.set_language(User.objects.get(pk=w.viewer.pk), "sv"), False),
    "a team's members": (
        lambda w: ws_actions.set_team_members(w.actor(w.owner), w.it.pk, [w.other_team.pk, w.viewer.pk]),
        False,
    ),
    "a new member, invited": (
        lambda w: ws_actions.invite_member(w.actor(w.owner), email="nina@acme.example", role="viewer"),
        False,
    ),
    # workspace settings: the cadence and roll-ups across alignments make trees; its name and grades do not
    "the workspace's name and grades": (
        lambda w: ws_actions.update_workspace(w.actor(w.owner), name="Acme 2", grade_committed=0.9),
        False,
    ),
    "the workspace's coach rules": (
        lambda w: coach_actions.set_disabled_rules(w.actor(w.owner), ["no-baseline"]),
        False,
    ),
    "the workspace's check-in cadence": (
        lambda w: ws_actions.update_workspace(w.actor(w.owner), check_in_cadence_days=3),
        True,
    ),
    "the workspace's roll-ups": (
        lambda w: ws_actions.update_workspace(w.actor(w.owner), rollup_includes_aligned=True),
        True,
    ),
    "the workspace, saved whole": (lambda w: Workspace.objects.get(pk=w.workspace.pk).save(), True),
}


@pytest.mark.parametrize("write", OKR_WRITES)
def test_the_okr_revision_moves_with_what_okr_trees_are_built_from_and_not_with_the_roadmap_alone(
    world, write, django_capture_on_commit_callbacks
):
    do, moves_okrs = OKR_WRITES[write]
    with django_capture_on_commit_callbacks(execute=True):
        okr_actions.do_check_in(world.actor(world.owner), world.key_result.pk, value=3)
    okrs_before = okr_mark(world.workspace)
    stamp_before = revisions.stamp(world.workspace, plan=True)
    with django_capture_on_commit_callbacks(execute=True):
        do(world)
        assert (okr_mark(world.workspace)[1] != okrs_before[1]) is moves_okrs  # at once, in this process
        stamp_now = revisions.stamp(world.workspace, plan=True)
        assert (revisions.okr_stamp(stamp_now) != revisions.okr_stamp(stamp_before)) is moves_okrs
    assert (okr_mark(world.workspace)[0] > okrs_before[0]) is moves_okrs
    assert okr_mark(world.workspace)[1] == 0


def test_a_tokens_last_use_moves_nothing(world, django_capture_on_commit_callbacks):
    token, raw = ws_actions.create_api_token(world.actor(world.owner), name="script")
    before = mark(world.workspace)
    with django_capture_on_commit_callbacks(execute=True):
        ws_actions.authenticate_token(raw)
    assert mark(world.workspace) == before


def test_a_rolled_back_change_never_moves_the_database_revision(world, django_capture_on_commit_callbacks):
    before = (
        WorkspaceRevision.objects.filter(workspace=world.workspace).values_list("number", flat=True).first()
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                KeyResult.objects.filter(pk=world.key_result.pk).update(title="Never kept")
                raise RuntimeError
        except RuntimeError:
            pass
    assert callbacks == []
    after = (
        WorkspaceRevision.objects.filter(workspace=world.workspace).values_list("number", flat=True).first()
    )
    assert after == before
