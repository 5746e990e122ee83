"""Text no database, page or spreadsheet can hold (control characters) is refused wherever it comes from, with a
message naming the field, and nothing is written; text saved before the rule reaches a workbook unharmed."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from northstar.exchange import tables
from northstar.okrs.models import CheckIn, Objective
from northstar.workspaces.errors import ValidationFailed
from northstar.workspaces.models import Team

pytestmark = pytest.mark.django_db

BELL = "Ship the \x07 thing"


def test_the_api_answers_422_naming_the_field_and_saves_nothing(world, client):
    client.force_login(world.owner)
    for title in (BELL, "Nul\x00 inside"):  # PostgreSQL would refuse the NUL itself, with a server error
        response = client.patch(
            f"/api/v1/objectives/{world.objective.pk}",
            {"title": title, "version": world.objective.version},
            content_type="application/json",
        )
        assert response.status_code == 422, response.content
        assert [e["field"] for e in response.json()["errors"]] == ["title"]
        assert "control character" in response.json()["errors"][0]["message"]
    assert Objective.objects.get(pk=world.objective.pk).title == world.objective.title


def test_the_message_is_in_swedish_for_a_swedish_reader(world, client):
    world.owner.language = "sv"
    world.owner.save()
    client.force_login(world.owner)
    response = client.post(
        "/api/v1/teams", {"name": "Sup\x1bport", "parent": world.company.pk}, content_type="application/json"
    )
    assert response.status_code == 422
    message = response.json()["errors"][0]["message"]
    assert "U+001B" in message and "kontrolltecken" in message
    assert not Team.objects.filter(name__startswith="Sup").exists()


def test_a_check_in_form_keeps_the_comment_and_shows_why(world, client):
    client.force_login(world.editor)
    kr = world.key_result
    response = client.post(
        f"/key-results/{kr.pk}/check-in/",
        {"value": "5", "comment": "Half\x0bway", "version": kr.version},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert "control character" in response.content.decode()
    assert not CheckIn.objects.filter(key_result=kr).exists()


def test_bulk_writes_are_refused_too(world):
    with pytest.raises(ValidationFailed) as refused:
        Team.objects.filter(pk=world.growth.pk).update(name="Gro\x01wth")
    assert [e.field for e in refused.value.errors] == ["name"]
    with pytest.raises(ValidationFailed):
        Team.objects.bulk_create([Team(workspace=world.workspace, name="A\x02", parent=world.company)])
    assert Team.objects.get(pk=world.growth.pk).name == world.growth.name
    assert not Team.objects.filter(name__startswith="A\x02").exists()


def test_people_and_workspaces_are_refused_too(world):
    world.viewer.name = "Vi\x08ctor"
    with pytest.raises(ValidationFailed):
        world.viewer.save()
    world.workspace.name = "Ac\x0cme"
    with pytest.raises(ValidationFailed):
        world.workspace.save()


def test_tabs_and_line_breaks_are_text_like_any_other(world, client):
    client.force_login(world.owner)
    response = client.patch(
        f"/api/v1/objectives/{world.objective.pk}",
        {"description": "First line\r\n\tindented", "version": world.objective.version},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert Objective.objects.get(pk=world.objective.pk).description == "First line\r\n\tindented"


def test_text_saved_before_the_rule_reaches_a_workbook_marked_not_dropped(world, client):
    # written past the model, as a row from an older version would be
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("UPDATE okrs_objective SET title = %s WHERE id = %s", [BELL, world.objective.pk])
    client.force_login(world.owner)
    response = client.get("/exchange/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    titles = [row[1] for row in book["objectives"].iter_rows(values_only=True)]
    assert "Ship the \ufffd thing" in titles


def test_a_sheet_longer_than_a_spreadsheet_holds_is_refused_with_a_way_out(world, client, monkeypatch):
    with pytest.raises(ValidationFailed) as refused:
        tables.xlsx_bytes({"check_ins": [{}] * tables.EXCEL_ROWS})
    with translation.override("en"):
        assert "CSV or YAML" in refused.value.sentence()
    # the page says so too, not a server error: here with a spreadsheet of three rows
    monkeypatch.setattr(tables, "EXCEL_ROWS", 3)
    client.force_login(world.owner)
    response = client.get("/exchange/export.xlsx")
    assert response.status_code == 400
    assert "CSV or YAML" in response.content.decode()
    assert client.get("/api/v1/exports", {"format": "xlsx"}).status_code == 422


def test_text_saved_before_the_rule_is_marked_by_the_migration_and_saves_again(world):
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("northstar.exchange.migrations.0003_unsavable_text_marked")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE okrs_objective SET title = %s WHERE id = %s", [BELL, world.objective.pk])
        cursor.execute("UPDATE workspaces_team SET name = %s WHERE id = %s", ["IT\x1f", world.it.pk])
    objective = Objective.objects.get(pk=world.objective.pk)
    with pytest.raises(ValidationFailed):
        objective.save()  # before: a row holding such text cannot be saved at all
    migration.mark_unsavable_text(apps, SimpleNamespace(connection=connection))
    objective = Objective.objects.get(pk=world.objective.pk)
    assert objective.title == "Ship the \ufffd thing"
    assert Team.objects.get(pk=world.it.pk).name == "IT\ufffd"
    assert Team.objects.get(pk=world.growth.pk).name == world.growth.name
    objective.save()


def test_a_save_of_other_fields_is_not_held_up_by_text_it_does_not_write(world):
    from django.db import connection
    from django.utils import timezone

    from northstar.workspaces.models import User

    with connection.cursor() as cursor:  # as before the migration marked it
        cursor.execute("UPDATE workspaces_user SET name = %s WHERE id = %s", ["Vi\x08ctor", world.viewer.pk])
    viewer = User.objects.get(pk=world.viewer.pk)
    viewer.last_login = timezone.now()
    viewer.save(update_fields=["last_login"])  # signing in still works
    with pytest.raises(ValidationFailed):
        viewer.save(update_fields=["name", "last_login"])
