"""Schemathesis fuzzes every operation of the OpenAPI schema: zero 5xx, schema-conformant answers.

Bounded (a few dozen examples per operation) so it fits in CI on both databases.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
)

from accounts.models import ApiToken, Role
from conftest import make_user
from customers.services import customer_create
from pitstop.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance, response_headers_conformance]


@pytest.fixture(autouse=True)
def _keep_the_test_transaction_open():
    """Schemathesis calls the WSGI app directly; like Django's test client, keep the request
    signals from closing the connection that holds the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def manager_token(group, store_a):
    manager = make_user("fuzz_manager", Role.STORE_MANAGER, group, [store_a])
    customer_create(user=manager, name="模糊测试", mobile="13512345678")
    return ApiToken.issue(manager)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_operation_fails_on_any_input(case, manager_token):
    if case.path == "/api/auth/token":
        case.headers = {**(case.headers or {})}
    else:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {manager_token}"}
    case.call_and_validate(checks=CHECKS)
