"""Property-based contract check: schemathesis generates requests from the served OpenAPI schema (/api/schema/) for
every operation; no answer may be a server error, and every documented answer must match its schema."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from points.services.tokens import api_token_issue

# The schema is generated without touching the database, so it is loaded once, in process (WSGI).
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


@pytest.fixture
def office_token(noc) -> str:
    """An office token and a little world: a hotel, a designated outlet and a member to hit now and then. Like
    Django's test client, the request signals must not close the test's connection (its transaction holds it)."""
    from django.core import signals
    from django.db import close_old_connections

    from tests.factories import HotelFactory, OutletFactory, make_member

    OutletFactory(hotel=HotelFactory(code="NOT"), code="SATSUKI")
    make_member("new-otani")
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield api_token_issue(program=noc, name="schemathesis")[1]
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error_and_no_answer_breaks_the_schema(case, office_token):
    case.call_and_validate(
        headers={"Authorization": f"Token {office_token}"},
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
    )
