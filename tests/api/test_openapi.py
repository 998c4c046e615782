"""The committed schema (docs/openapi.json) matches the live one; schemathesis finds no 5xx.

After a deliberate API change: `uv run python -m django refresh_openapi` (with
DJANGO_SETTINGS_MODULE=kyphoplan.web.settings_demo) and commit docs/openapi.json.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from kyphoplan.api.models import Scope
from kyphoplan.api.openapi import SNAPSHOT, live_schema, render


def test_it_matches_the_committed_openapi_snapshot() -> None:
    assert SNAPSHOT.read_text(encoding="utf-8") == render(live_schema()), (
        "the API changed: run `manage.py refresh_openapi` and commit docs/openapi.json"
    )


def test_it_serves_the_schema(client: Any) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["paths"].keys() == live_schema()["paths"].keys()


# The committed snapshot is the schema under test (the test above keeps it equal to the live one).
schema = schemathesis.openapi.from_path(str(SNAPSHOT))


@pytest.fixture
def keep_test_connection() -> Iterator[None]:
    """Calls go to the WSGI app itself, not Django's test client: stop it from closing the
    test transaction's connection at the end of each request (as the test client does)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def some_records(maria_case: Any, sam: Any, rooms: dict[str, Any]) -> None:
    """A booking and an intake, so that list answers hold real rows (and are validated)."""
    from kyphoplan.booking.services import book
    from kyphoplan.intake.services import save_answers
    from tests.pathway.fixtures import MARIA_INTAKE, NOW, START

    save_answers(maria_case, MARIA_INTAKE, acting_user=None, ip=None, now=NOW)
    book(sam, maria_case, room=rooms["room1"], start=START, overnight=True, ip=None, now=NOW)


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_it_never_answers_with_a_server_error(case: Any, alex: Any, token_for: Any, some_records: None,
                                              keep_test_connection: None) -> None:
    from kyphoplan.web.wsgi import application

    token = token_for(alex, *(scope.value for scope in Scope))
    case.call_and_validate(app=application, headers={"Authorization": f"Bearer {token}"},
                           checks=[not_a_server_error])
