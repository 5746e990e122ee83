import dataclasses
import datetime as dt

import pytest
from django.db.models import Count
from typer.testing import CliRunner

from northstar.core.graph import find_cycle
from northstar.exchange.generate import SCALES, generate
from northstar.okrs.models import Alignment, CheckIn, KeyResult, Objective
from northstar.roadmap.models import Contribution, Dependency, WorkItem
from northstar.workspaces.models import Team

pytestmark = pytest.mark.django_db


def test_a_tiny_workspace_has_the_promised_shape(world):
    scale = SCALES["tiny"]
    ws = generate(scale, name="Tiny", slug="tiny", today=dt.date(2026, 11, 25), seed=3)
    counted = {
        m.__name__: m.objects.filter(workspace=ws).count()
        for m in (Team, Objective, KeyResult, CheckIn, WorkItem)
    }
    assert counted == {"Team": scale.teams, "Objective": scale.objectives, "KeyResult": scale.key_results,
                       "CheckIn": scale.check_ins, "WorkItem": scale.work_items}  # fmt: skip
    assert 0 < Dependency.objects.filter(workspace=ws).count() <= scale.dependencies
    assert 0 < Contribution.objects.filter(workspace=ws).count() <= scale.contributions
    edges: dict[int, list[int]] = {}
    for a, b in Dependency.objects.filter(workspace=ws).values_list("predecessor_id", "successor_id"):
        assert find_cycle(edges, (a, b)) is None
        edges.setdefault(a, []).append(b)
    # every key result's latest check-in is one check-in, not two at the same moment
    twins = (
        CheckIn.objects.filter(workspace=ws)
        .values("key_result", "checked_in_at")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not twins.exists()
    for kr in KeyResult.objects.filter(workspace=ws)[:20]:
        last = CheckIn.objects.filter(key_result=kr).order_by("-checked_in_at").first()
        assert kr.current_value == last.value and kr.last_check_in_at == last.checked_in_at
    assert Alignment.objects.filter(workspace=ws).exists()
    # nothing leaks into (or out of) the workspace that was there before
    assert not Objective.objects.filter(workspace=world.workspace, key__startswith="o-").exists()


def test_the_same_seed_gives_the_same_workspace():
    a = generate(SCALES["tiny"], name="A", slug="a", today=dt.date(2026, 11, 25), seed=5)
    b = generate(SCALES["tiny"], name="B", slug="b", today=dt.date(2026, 11, 25), seed=5)
    values = [
        list(CheckIn.objects.filter(workspace=w).order_by("id").values_list("value", flat=True))
        for w in (a, b)
    ]
    assert values[0] == values[1]


def test_the_generated_workspace_opens_and_the_cli_generates_one(client):
    from northstar import cli
    from northstar.workspaces.models import User, Workspace

    result = CliRunner(env={"NORTHSTAR_LANGUAGE": "en"}).invoke(
        cli.app, ["generate", "--scale", "tiny", "--slug", "t"]
    )
    assert result.exit_code == 0, result.output
    workspace = Workspace.objects.get(slug="t")
    client.force_login(User.objects.get(email="person0@t.example"))
    session = client.session
    session["workspace_id"] = workspace.pk
    session.save()
    assert client.get("/okrs/").status_code == 200
    again = CliRunner(env={"NORTHSTAR_LANGUAGE": "en"}).invoke(
        cli.app, ["generate", "--scale", "tiny", "--slug", "t"]
    )
    assert again.exit_code == 1 and "already" in again.output


def test_after_generating_the_planner_knows_the_tables_and_postgresql_vacuums_them(transactional_db):
    from django.db import connection

    from northstar.cli import update_planner_statistics

    generate(SCALES["tiny"], name="Tiny", slug="tiny", today=dt.date(2026, 11, 25), seed=3)
    update_planner_statistics()
    table = KeyResult._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT last_vacuum IS NOT NULL, last_analyze IS NOT NULL FROM pg_stat_user_tables"
                " WHERE relname = %s",
                [table],
            )
            assert cursor.fetchone() == (True, True)
        else:
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
            assert cursor.fetchone()[0] > 0


def test_no_check_in_is_generated_later_than_the_day_before(world):
    """Generated in the morning, a check-in at noon that day would read "8 hours from now"."""
    today = dt.date(2026, 11, 25)
    dense = dataclasses.replace(SCALES["tiny"], check_ins=SCALES["tiny"].key_results * 60)  # every few days
    ws = generate(dense, name="Dense", slug="dense", today=today, seed=5)
    latest = CheckIn.objects.filter(workspace=ws).order_by("-checked_in_at").first().checked_in_at
    assert latest.date() == today - dt.timedelta(days=1)
