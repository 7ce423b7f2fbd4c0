"""Property-based API tests from the OpenAPI schema: every documented operation, a few dozen examples each.

The schema is loaded in-process from ``/api/schema/`` (the WSGI app, the pytest-django test database),
so endpoints added later are covered without touching this file. Requests are made as the owner of a
seeded production company. Each response must not be a 5xx, must use a documented status code, and
must match the documented response schema and content type. ``SCHEMATHESIS_MAX_EXAMPLES`` tunes the
examples per operation (default 25); ``SCHEMATHESIS_COVERAGE=1`` adds schemathesis' coverage phase.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from studio.models import Membership
from tests.factories import CompanyFactory, MembershipFactory, ProductionFactory, token_for

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "25"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def keep_test_connection():
    """The raw WSGI app closes the database connection after each request, and with it the test's
    transaction; Django's own test client avoids that the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def acting_headers(db, keep_test_connection):
    company = CompanyFactory(name="郑州星河短剧")
    owner = MembershipFactory(organization=company, role=Membership.Role.OWNER).user
    for index in range(3):
        ProductionFactory(company=company, title=f"霸道总裁第{index + 1}季")
    ProductionFactory(company=CompanyFactory())  # someone else's, never visible
    return {"Authorization": f"Token {token_for(owner)}", "X-Organization": str(company.pk)}


def _load_schema():
    from config.wsgi import application

    # Loaded at collection: schema generation reads no rows (views get a placeholder organisation).
    # The coverage phase (every boundary value of every parameter) runs hundreds of cases per operation;
    # it is opt-in (SCHEMATHESIS_COVERAGE=1) so that the default run stays within a few minutes.
    coverage = os.environ.get("SCHEMATHESIS_COVERAGE", "") == "1"
    config = schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": coverage}}})
    return schemathesis.openapi.from_wsgi("/api/schema/", application, config=config)


schema = _load_schema()


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_conforms_to_the_schema(case, acting_headers):
    case.headers = {**(case.headers or {}), **acting_headers}
    response = case.call()
    case.validate_response(response, checks=CHECKS)
