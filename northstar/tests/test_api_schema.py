"""schemathesis against the API's own OpenAPI document, on a live server with an owner's token: every operation,
15 generated requests each (valid and invalid; derandomized, so every run sends the same ones), must never answer with a server error, and every answer must match
the schema the document promises for its status code."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from northstar.api import api

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())


@pytest.fixture
def token(transactional_db, world):
    from northstar.workspaces.actions import create_api_token

    _token, raw = create_api_token(world.actor(world.owner), name="schemathesis")
    return raw


@schema.parametrize()
@settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_no_server_error_and_every_answer_matches_the_schema(case, token, live_server):
    case.call_and_validate(
        base_url=live_server.url,
        headers={"Authorization": f"Bearer {token}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
