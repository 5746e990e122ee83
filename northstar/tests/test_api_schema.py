"""schemathesis against the API's own OpenAPI document, on a live server with an owner's token: every operation,
15 generated requests each (valid and invalid; derandomized, so every run sends the same ones). Every answer must be
no server error, have a documented status code, content type and headers, and match the schema promised for its
status; authentication must not be ignorable, a missing required header must be refused, an unsupported method
must get 405, and what was deleted must be gone while what was made must be there.

Two of schemathesis's checks are left out, on purpose: "positive data acceptance" expects every schema-valid request
to succeed, but the API also refuses with 422 what only the data can refuse (an empty name, a team that does not
exist); "negative data rejection" expects every schema-violating request to fail, but the API reads numbers and
dates leniently as pydantic does by default (the string "1.5" where a number is expected)."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    ensure_resource_availability,
    ignored_auth,
    missing_required_header,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
    use_after_free,
)

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
        # as a TLS-terminating proxy sends it: production settings redirect plain HTTP to HTTPS (301), and the
        # live server's middleware is built before the tests' settings switch that off
        headers={"Authorization": f"Bearer {token}", "X-Forwarded-Proto": "https"},
        checks=[
            not_a_server_error,
            response_schema_conformance,
            status_code_conformance,
            content_type_conformance,
            response_headers_conformance,
            ignored_auth,
            missing_required_header,
            use_after_free,
            ensure_resource_availability,
            unsupported_method,
        ],
    )
