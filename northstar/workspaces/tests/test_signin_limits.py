import datetime as dt

import pytest
from django.utils import timezone

from northstar.testing import PASSWORD
from northstar.workspaces.models import FailedSignIn
from northstar.workspaces.signin_limits import PER_ADDRESS, PER_EMAIL, WINDOW

pytestmark = pytest.mark.django_db


def sign_in(client, email, password, ip="10.0.0.1"):
    return client.post("/login/", {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_after_five_wrong_passwords_even_the_right_one_is_refused_for_a_while(world, client):
    email = world.editor.email
    for _ in range(PER_EMAIL):
        assert sign_in(client, email, "wrong").status_code == 200
    refused = sign_in(client, email, PASSWORD)
    assert refused.status_code == 200 and "Too many failed sign-ins" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # another person is not locked out by someone guessing at this one
    assert sign_in(client, world.viewer.email, PASSWORD).status_code == 302


def test_the_lock_lifts_when_the_window_has_passed_and_success_forgets_the_failures(world, client):
    email = world.editor.email
    for _ in range(PER_EMAIL):
        sign_in(client, email, "wrong")
    FailedSignIn.objects.update(at=timezone.now() - WINDOW - dt.timedelta(seconds=1))
    assert sign_in(client, email, PASSWORD).status_code == 302
    assert not FailedSignIn.objects.filter(email=email).exists()


def test_one_address_trying_many_emails_is_locked_too(world, client):
    for n in range(PER_ADDRESS):
        sign_in(client, f"nobody{n}@example.com", "wrong", ip="10.9.9.9")
    refused = sign_in(client, world.editor.email, PASSWORD, ip="10.9.9.9")
    assert "Too many failed sign-ins" in refused.content.decode()
    assert sign_in(client, world.editor.email, PASSWORD, ip="10.1.1.1").status_code == 302


def test_the_message_is_in_swedish_too(world, client):
    for _ in range(PER_EMAIL):
        sign_in(client, world.editor.email, "wrong")
    refused = client.post("/login/", {"username": world.editor.email, "password": PASSWORD},
                          REMOTE_ADDR="10.0.0.1", HTTP_ACCEPT_LANGUAGE="sv")  # fmt: skip
    assert "För många misslyckade inloggningar" in refused.content.decode()
