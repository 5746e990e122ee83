"""Every address of the product, found by walking the URL configuration and the OpenAPI document, is refused to
someone who is not signed in — unless it is on the short list of public ones below, which says why each is.

A new page or endpoint is checked here the moment it exists: it is either guarded or has to be declared public.
The per-role matrices (`check_persona_call` in each app's tests) then say what each signed-in role may do."""

import json
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = {
    "login": "signing in",
    "logout": "signing out (POST only; a no-op without a session)",
    "language": "choosing the language before signing in",
    "invitation-accept": "an invitation's own link, checked by its token",
    "calendar-feed": "a calendar app's subscription, checked by its signed token",
}
PUBLIC_API = {("get", "/api/v1/openapi.json"), ("get", "/api/v1/docs")}


def page_routes():
    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern), p.name

    return [(r, n) for r, n in walk(get_resolver().url_patterns) if not r.startswith("api/")]


def concrete(route):
    """The route with its parameters filled (1 for numbers, a word for strings)."""
    route = re.sub(r"<int:[^>]+>", "1", route)
    route = re.sub(r"<(?:str|slug):[^>]+>", "x", route)
    return "/" + route.lstrip("^").rstrip("$")


@pytest.mark.parametrize(("route", "name"), page_routes(), ids=[n or r for r, n in page_routes()])
def test_every_page_sends_a_stranger_to_sign_in(client, route, name):
    if name in PUBLIC_PAGES:
        return
    for method in ("get", "post"):
        response = getattr(client, method)(concrete(route))
        assert response.status_code in (302, 405), (method, route, response.status_code)
        if response.status_code == 302:
            assert response["Location"].startswith("/login/"), (method, route, response["Location"])


def test_the_public_pages_are_the_ones_declared():
    names = {n for _r, n in page_routes()}
    assert set(PUBLIC_PAGES) <= names, set(PUBLIC_PAGES) - names


def api_operations(client):
    document = json.loads(client.get("/api/v1/openapi.json").content)
    for path, methods in document["paths"].items():
        for method in methods:
            yield method, path


def test_every_api_operation_answers_a_stranger_401(client):
    checked = 0
    for method, path in api_operations(client):
        if (method, path) in PUBLIC_API:
            continue
        url = re.sub(r"\{[^}]+\}", "1", path)
        send = getattr(client, method)
        response = send(url) if method == "get" else send(url, "{}", content_type="application/json")
        assert response.status_code == 401, (method, path, response.status_code)
        assert set(response.json()) >= {"detail", "errors"}
        checked += 1
    assert checked > 80
