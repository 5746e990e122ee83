"""Test data built through the real actions, shared by every app's tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.test import override_settings

from northstar.okrs import actions as okr_actions
from northstar.okrs.models import KeyResult, Objective, Period
from northstar.workspaces import actions as ws_actions
from northstar.workspaces.models import Team, User, Workspace
from northstar.workspaces.permissions import Actor, actor_for

PASSWORD = "correct-horse-battery-staple-42"
TODAY = dt.date(2026, 11, 25)


@dataclass
class World:
    """Workspace A ("Acme") with one person per persona, and workspace B ("Bolt") with its own data.

    Personas: owner, admin, editor (in Growth), viewer (in Growth), other_team (editor in IT), outsider
    (owner of workspace B, not a member of A).
    """

    workspace: Workspace
    other_workspace: Workspace
    company: Team
    growth: Team
    it: Team
    period: Period
    quarter: Period
    owner: User
    admin: User
    editor: User
    viewer: User
    other_team: User
    outsider: User
    objective: Objective
    private_objective: Objective
    it_objective: Objective
    key_result: KeyResult
    private_key_result: KeyResult
    other_objective: Objective
    other_key_result: KeyResult

    def actor(self, user: User, workspace: Workspace | None = None) -> Actor:
        return actor_for(user, workspace or self.workspace)

    def persona(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


@contextmanager
def nothing_kept(*names: str) -> Iterator[None]:
    """Within the block, these NORTHSTAR_*_KEPT settings are 0: what is computed is computed afresh. (An override
    undone on leaving, unlike pytest-django's ``settings``, whose every change stays stacked until the test ends.)"""
    with override_settings(**dict.fromkeys(names, 0)):
        yield


PERSONAS = ["owner", "admin", "editor", "viewer", "other_team", "outsider", "anonymous"]


def make_user(email: str, name: str = "") -> User:
    return User.objects.create_user(email, PASSWORD, name=name or email.split("@")[0].title())


def make_world() -> World:
    owner = make_user("olivia@acme.example", "Olivia Owner")
    workspace = ws_actions.create_workspace(owner, name="Acme")
    boss = actor_for(owner, workspace)
    company = ws_actions.create_team(boss, name="Acme", key="acme")
    growth = ws_actions.create_team(boss, name="Growth", parent=company.pk, key="growth")
    it = ws_actions.create_team(boss, name="IT", parent=company.pk, key="it")
    ws_actions.set_team_members(boss, company.pk, [owner.pk])
    admin = make_user("adam@acme.example", "Adam Admin")
    editor = make_user("edith@acme.example", "Edith Editor")
    viewer = make_user("victor@acme.example", "Victor Viewer")
    other_team = make_user("ivan@acme.example", "Ivan IT")
    ws_actions.add_member(boss, workspace, admin, "admin")
    ws_actions.add_member(boss, workspace, editor, "editor", [growth])
    ws_actions.add_member(boss, workspace, viewer, "viewer", [growth])
    ws_actions.add_member(boss, workspace, other_team, "editor", [it])
    boss = actor_for(owner, workspace)
    year = okr_actions.create_period(
        boss, name="FY 2027", key="fy27", kind="year", start=dt.date(2026, 7, 1), end=dt.date(2027, 6, 30)
    )
    quarter = okr_actions.create_period(
        boss, name="FY27 Q2", key="fy27-q2", kind="quarter", start=dt.date(2026, 10, 1),
        end=dt.date(2026, 12, 31), parent=year.pk,
    )  # fmt: skip
    objective = okr_actions.create_objective(
        boss,
        title="Grow recurring revenue",
        team=growth.pk,
        period=year.pk,
        owner=editor.pk,
        key="grow-revenue",
    )
    key_result = okr_actions.create_key_result(
        boss, objective.pk, title="Raise annual plans from 0% to 20%", kind="increase", unit="%",
        start=0, target=20, owner=editor.pk, key="annual-plans",
    )  # fmt: skip
    private_objective = okr_actions.create_objective(
        boss,
        title="Secret pricing experiment",
        team=growth.pk,
        period=quarter.pk,
        visibility="team",
        key="secret",
    )
    private_key_result = okr_actions.create_key_result(
        boss, private_objective.pk, title="Cut churn from 3.5% to 2%", kind="decrease", unit="%",
        start=3.5, target=2.0, key="secret-churn",
    )  # fmt: skip
    it_objective = okr_actions.create_objective(
        boss, title="Keep the app up", team=it.pk, period=quarter.pk, owner=other_team.pk, key="uptime",
        parents=[objective.pk],
    )  # fmt: skip
    okr_actions.create_key_result(
        boss, it_objective.pk, title="Raise uptime from 99.5% to 99.9%", kind="increase", unit="%",
        start=99.5, target=99.9, key="uptime-kr",
    )  # fmt: skip

    outsider = make_user("otto@bolt.example", "Otto Outsider")
    other_workspace = ws_actions.create_workspace(outsider, name="Bolt")
    bolt = actor_for(outsider, other_workspace)
    bolt_team = ws_actions.create_team(bolt, name="Bolt", key="bolt")
    other_objective = okr_actions.create_objective(
        bolt, title="Bolt's own objective", team=bolt_team.pk, key="bolt-o"
    )
    other_key_result = okr_actions.create_key_result(
        bolt, other_objective.pk, title="Bolt's key result", kind="increase", start=1, target=2, key="bolt-kr"
    )
    return World(
        workspace=workspace, other_workspace=other_workspace, company=company, growth=growth, it=it,
        period=year, quarter=quarter, owner=owner, admin=admin, editor=editor, viewer=viewer,
        other_team=other_team, outsider=outsider, objective=objective, private_objective=private_objective,
        it_objective=it_objective, key_result=key_result, private_key_result=private_key_result,
        other_objective=other_objective, other_key_result=other_key_result,
    )  # fmt: skip


# --- the persona × endpoint matrix of the API tests ----------------------------------------------------------------

API = "/api/v1"


def status_row(
    owner: int, admin: int, editor: int, viewer: int, other_team: int, outsider: int, anonymous: int = 401
) -> dict[str, int]:
    """The status each persona should get, in the order of PERSONAS."""
    return dict(zip(PERSONAS, [owner, admin, editor, viewer, other_team, outsider, anonymous], strict=True))


def call_api(client: Any, method: str, path: str, body: Any = None) -> Any:
    """Send one API request with the test client (a JSON body when there is one)."""
    send = getattr(client, method)
    return send(API + path, body, content_type="application/json") if body is not None else send(API + path)


def check_persona_call(
    client: Any, user: User | None, method: str, path: str, body: Any, expected: int
) -> None:
    """One cell of a persona matrix: the persona gets the expected status, and any error has the API's shape."""
    if user is not None:
        client.force_login(user)
    response = call_api(client, method, path, body)
    assert response.status_code == expected, response.content
    if response.status_code >= 400:
        assert set(response.json()) >= {"detail", "errors"}


def freeze_today(monkeypatch: Any, day: dt.date) -> None:
    """Make "today" (timezone.localdate(), which every page, API endpoint and CLI command reads through
    workspaces.web.today) the given day, so that tests over fixed data do not depend on when they run."""
    from django.utils import timezone

    real = timezone.localdate

    def localdate(value: Any = None, timezone: Any = None) -> dt.date:
        return day if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
