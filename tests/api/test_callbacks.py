"""GET /api/v1/callbacks: paged, filtered, permission-checked and audited."""

from __future__ import annotations

from typing import Any

import pytest

from kyphoplan.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _get(client: Any, url: str, token: str) -> Any:
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_it_lists_and_reads_callback_requests(client: Any, maria_request: Any, sam: Any, token_for: Any) -> None:
    token = token_for(sam, "callbacks:read")
    page = _get(client, "/api/v1/callbacks?status=new&page_size=10", token).json()
    assert page["next_cursor"] is None and page["page_size"] == 10
    [item] = page["items"]
    assert item["reference"] == maria_request.reference and item["status"] == "new"
    assert _get(client, "/api/v1/callbacks?status=closed", token).json()["items"] == []
    first = _get(client, "/api/v1/callbacks?page_size=1", token).json()
    assert first["next_cursor"] is None and len(first["items"]) == 1
    one = _get(client, f"/api/v1/callbacks/{maria_request.pk}", token).json()
    assert one["name"] == "Maria Testpatient" and one["assigned_to"] is None
    assert AuditEvent.objects.filter(actor_username="sam", detail__via="api").count() == 4


def test_it_answers_errors_in_one_shape(client: Any, maria_request: Any, sam: Any, token_for: Any) -> None:
    token = token_for(sam, "callbacks:read")
    missing = _get(client, "/api/v1/callbacks/00000000-0000-4000-8000-000000000000", token)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not-found"
    bad = _get(client, "/api/v1/callbacks?page_size=1000", token)
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "page_size"
    bad = _get(client, "/api/v1/callbacks?cursor=not-ours", token)
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "cursor"
    bad = _get(client, "/api/v1/callbacks?status=lost", token)
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "status"


def test_it_checks_the_owner_permission_as_well_as_the_scope(client: Any, maria_request: Any,
                                                              token_for: Any) -> None:
    from django.contrib.auth import get_user_model

    outsider = get_user_model().objects.create_user(username="outsider")
    response = _get(client, "/api/v1/callbacks", token_for(outsider, "callbacks:read"))
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    assert AuditEvent.objects.filter(action="denied", actor_username="outsider").exists()
