"""The OpenAPI schema is valid and the API keeps to it (schemathesis, bounded examples).

Requests go through the WSGI application in-process, against the test database, with a
token for a user who owns a team with one saved architecture.
"""

import json

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_schema_conformance, status_code_conformance,
)

from advisor.teams.actions import create_team
from tests.factories import make_architecture, make_user
from advisor.wsgi import application

EXAMPLES = 25
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def in_process_requests():
    """Keep the test's database connection open across requests made outside the test client
    (Django's client does the same); otherwise PostgreSQL's connection is closed mid-test."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def owner(db, in_process_requests):
    user = make_user("schemer")
    architecture = make_architecture(create_team(user, "Schema team"), user)
    return Token.objects.create(user=user).key, architecture.pk


# schemathesis' lazy pytest loader does not run on this pytest version, so the test walks the
# operations itself; the schema needs the database (the answers are described from it).
@pytest.mark.slow
@pytest.mark.django_db
def test_the_api_keeps_to_its_schema(owner):
    token, architecture_id = owner
    headers = {"Authorization": f"Token {token}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
        def check(case):
            case.call_and_validate(headers=headers, checks=CHECKS)
            if case.path_parameters and case.method != "DELETE":
                # Again with ids that exist, so the bodies reach the real objects.
                case.path_parameters = {**case.path_parameters, "id": architecture_id}
                if "number" in case.path_parameters:
                    case.path_parameters["number"] = 1
                case.call_and_validate(headers=headers, checks=CHECKS)

        check()


@pytest.mark.django_db
def test_the_schema_is_valid_and_complete(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for path in ("/api/recommend", "/api/architectures/", "/api/architectures/{id}/revisions/"):
        assert f"  {path}:" in text


@pytest.mark.django_db
def test_the_schema_is_built_before_the_database_is_migrated(monkeypatch):
    # `manage.py check --deploy` builds the schema (drf-spectacular's check), and a new
    # deployment runs it before `migrate`: the answers are then described from the shipped files.
    from django.db import ProgrammingError
    from drf_spectacular.generators import SchemaGenerator

    from patterns import store

    def not_migrated():
        raise ProgrammingError('relation "patterns_cataloguestate" does not exist')

    monkeypatch.setattr(store, "current_engine", not_migrated)
    schema = SchemaGenerator().get_schema(request=None, public=True)
    answers = json.dumps(schema)
    assert '"trigger"' in answers and '"client_waits"' in answers
