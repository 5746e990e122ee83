"""Pages and API answers travel gzipped to a client that accepts it: the OKR page is mostly repeated markup."""

import gzip
import json

import pytest

pytestmark = pytest.mark.django_db


def test_a_page_is_gzipped_for_a_browser_and_reads_the_same(world, client):
    client.force_login(world.owner)
    plain = client.get("/okrs/")
    packed = client.get("/okrs/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    html = gzip.decompress(packed.content).decode()
    assert world.objective.title in html and html.count("<article") == plain.content.decode().count(
        "<article"
    )
    assert len(packed.content) < len(html) / 3


def test_an_api_answer_is_gzipped_too(world, client):
    client.force_login(world.owner)
    packed = client.get("/api/v1/objectives", HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip"
    assert (
        json.loads(gzip.decompress(packed.content))["count"]
        == client.get("/api/v1/objectives").json()["count"]
    )
