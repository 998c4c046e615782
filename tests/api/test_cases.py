"""/api/v1/cases: read a case and its plan versions (its intake: test_intake.py)."""

from __future__ import annotations

from typing import Any

import pytest

from kyphoplan.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _get(client: Any, url: str, token: str) -> Any:
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_it_reads_a_case_and_audits_it(client: Any, maria_case: Any, nora: Any, token_for: Any) -> None:
    token = token_for(nora, "cases:read")
    body = _get(client, f"/api/v1/cases/{maria_case.pk}", token).json()
    assert body["reference"] == maria_case.reference and body["levels_to_treat"] == ["T12", "L1"]
    assert "patient_name" not in body
    assert _get(client, f"/api/v1/cases/{maria_case.pk}/plans", token).json() == []
    assert AuditEvent.objects.filter(actor_username="nora", object_id=str(maria_case.pk), action="view").count() == 2
    missing = _get(client, "/api/v1/cases/00000000-0000-4000-8000-000000000000", token)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not-found"
