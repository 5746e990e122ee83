"""API tokens through the REST API: created from a browser session, shown once, stored as a hash, revocable."""

import datetime as dt
import hashlib

import pytest
from django.utils import timezone

from northstar.workspaces import actions
from northstar.workspaces.models import ApiToken

API = "/api/v1"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def create(client, user, **body):
    client.force_login(user)
    return client.post(f"{API}/tokens", {"name": "CI export", **body}, content_type="application/json")


def as_token(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.mark.django_db
def test_it_shows_the_secret_once_and_stores_only_its_hash(world, client):
    response = create(client, world.editor)
    assert response.status_code == 201
    body = response.json()
    secret = body["secret"]
    assert secret.startswith("ns_")
    assert body["prefix"] == secret[: len(body["prefix"])]
    row = ApiToken.objects.get(pk=body["id"])
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {str(getattr(row, f.attname)) for f in ApiToken._meta.concrete_fields}
    listed = client.get(f"{API}/tokens")
    assert secret.encode() not in listed.content
    assert "secret" not in listed.json()["items"][0]


@pytest.mark.django_db
def test_a_new_token_authenticates_as_its_creator(world, client):
    secret = create(client, world.editor).json()["secret"]
    client.logout()
    me = client.get(f"{API}/me", **as_token(secret)).json()
    assert (me["user"]["id"], me["workspace"]["id"], me["via_token"]) == (
        world.editor.pk,
        world.workspace.pk,
        True,
    )


@pytest.mark.django_db
def test_a_token_expires_in_90_days_unless_told_otherwise(world, client):
    before = timezone.now()
    default = ApiToken.objects.get(pk=create(client, world.editor).json()["id"])
    week = ApiToken.objects.get(pk=create(client, world.editor, expires_in_days=7).json()["id"])
    forever = ApiToken.objects.get(pk=create(client, world.editor, expires_in_days=None).json()["id"])
    after = timezone.now()
    assert before + dt.timedelta(days=90) <= default.expires_at <= after + dt.timedelta(days=90)
    assert before + dt.timedelta(days=7) <= week.expires_at <= after + dt.timedelta(days=7)
    assert forever.expires_at is None


@pytest.mark.parametrize("days", [0, 367])
@pytest.mark.django_db
def test_it_rejects_a_lifetime_outside_one_day_to_a_year(world, client, days):
    response = create(client, world.editor, expires_in_days=days)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["expires_in_days"]
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_it_rejects_a_token_without_a_name(world, client):
    response = create(client, world.editor, name="  ")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["name"]


@pytest.mark.django_db
def test_a_viewers_token_is_read_only(world, client):
    response = create(client, world.viewer, read_only=False)
    assert response.json()["read_only"] is True


@pytest.mark.django_db
def test_tokens_cannot_create_tokens(world, client):
    secret = create(client, world.editor).json()["secret"]
    client.logout()
    response = client.post(
        f"{API}/tokens", {"name": "child"}, content_type="application/json", **as_token(secret)
    )
    assert response.status_code == 403
    assert ApiToken.objects.count() == 1


@pytest.mark.django_db
def test_it_lists_only_your_own_tokens_newest_first(world, client):
    actions.create_api_token(world.actor(world.admin), name="Adam's")
    actions.create_api_token(world.actor(world.editor), name="first")
    actions.create_api_token(world.actor(world.editor), name="second")
    client.force_login(world.admin)  # an admin, yet still only their own
    assert [t["name"] for t in client.get(f"{API}/tokens").json()["items"]] == ["Adam's"]
    client.force_login(world.editor)
    body = client.get(f"{API}/tokens").json()
    assert body["count"] == 2
    assert [t["name"] for t in body["items"]] == ["second", "first"]


@pytest.mark.django_db
def test_a_revoked_token_stops_working_and_is_listed_as_revoked(world, client):
    created = create(client, world.editor).json()
    assert client.delete(f"{API}/tokens/{created['id']}").status_code == 204
    assert client.get(f"{API}/tokens").json()["items"][0]["revoked_at"] is not None
    client.logout()
    assert client.get(f"{API}/me", **as_token(created["secret"])).status_code == 401


@pytest.mark.django_db
def test_nobody_else_can_revoke_your_token(world, client):
    created = create(client, world.editor).json()
    client.force_login(world.viewer)
    assert client.delete(f"{API}/tokens/{created['id']}").status_code == 404  # not even visible to a viewer
    client.force_login(world.admin)
    assert (
        client.delete(f"{API}/tokens/{created['id']}").status_code == 403
    )  # admins see tokens, not revoke them
    client.logout()
    assert client.get(f"{API}/me", **as_token(created["secret"])).status_code == 200


@pytest.mark.django_db
def test_an_expired_token_gets_401(world, client):
    created = create(client, world.editor, expires_in_days=1).json()
    ApiToken.objects.filter(pk=created["id"]).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    client.logout()
    response = client.get(f"{API}/me", **as_token(created["secret"]))
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "errors"}


@pytest.mark.django_db
def test_a_token_of_a_deactivated_person_gets_401(world, client):
    created = create(client, world.editor).json()
    client.logout()
    world.editor.is_active = False
    world.editor.save(update_fields=["is_active"])
    assert client.get(f"{API}/me", **as_token(created["secret"])).status_code == 401


@pytest.mark.django_db
def test_using_a_token_records_when_it_was_last_used(world, client):
    created = create(client, world.editor).json()
    assert created["last_used_at"] is None
    client.logout()
    client.get(f"{API}/me", **as_token(created["secret"]))
    assert ApiToken.objects.get(pk=created["id"]).last_used_at is not None
