"""POST /api/v1/plans/preview: facts in, plan out, nothing stored; bad facts name the field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kyphoplan.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _post(client: Any, body: Any, token: str | None) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post("/api/v1/plans/preview", json.dumps(body), content_type="application/json", **headers)


def _facts() -> dict[str, Any]:
    return json.loads((EXAMPLES / "dorothy-clopidogrel-apixaban.json").read_text())


def test_it_returns_the_contract_plan_and_stores_nothing(client: Any, alex: Any, token_for: Any) -> None:
    from kyphoplan.clinical.contract import plan_to_dict
    from kyphoplan.clinical.facts import parse_facts
    from kyphoplan.clinical.plan import build_plan

    response = _post(client, _facts(), token_for(alex, "plans:preview"))
    assert response.status_code == 200, response.content
    assert response.json() == plan_to_dict(build_plan(parse_facts(_facts())))
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(("change", "field"), [
    (lambda f: f["procedure"].update(start="2026-11-01T08:00:00-08:00"), "procedure.start"),
    (lambda f: f["procedure"].update(timezone="Mars/Olympus_Mons"), "procedure.timezone"),
    (lambda f: f["labs"].update(egfr=-3), "labs.egfr"),
    (lambda f: f["patient"].update(weight_kg=2000), "patient.weight_kg"),
    (lambda f: f.update(as_of="yesterday"), "as_of"),
])
def test_it_answers_422_naming_the_field_the_engine_refuses(client: Any, alex: Any, token_for: Any,
                                                              change: Any, field: str) -> None:
    facts = _facts()
    change(facts)
    response = _post(client, facts, token_for(alex, "plans:preview"))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid-facts" and error["field"] == field and error["message"]


def test_it_answers_422_naming_a_field_the_schema_refuses(client: Any, alex: Any, token_for: Any) -> None:
    facts = _facts()
    facts["patient"]["shoe_size"] = 9
    error = _post(client, facts, token_for(alex, "plans:preview")).json()["error"]
    assert error["code"] == "invalid" and error["field"] == "patient.shoe_size"
    del facts["patient"]["shoe_size"]
    del facts["procedure"]
    error = _post(client, facts, token_for(alex, "plans:preview")).json()["error"]
    assert error["field"] == "procedure"


def test_it_needs_a_token_with_the_preview_scope(client: Any, alex: Any, token_for: Any) -> None:
    response = _post(client, _facts(), None)
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "unauthenticated", "field": None,
                                         "message": "a valid integration token is required"}}
    response = _post(client, _facts(), token_for(alex, "fhir:read"))
    assert response.status_code == 403 and response.json()["error"]["code"] == "missing-scope"


def test_it_reads_the_indications_and_refuses_a_field_that_does_not_apply(
    client: Any, alex: Any, token_for: Any
) -> None:
    facts = _facts()
    facts["medications"] = ["aspirin 81 mg daily", "Plavix 75 mg daily"]
    facts["indications"] = [{"kind": "coronary-stent", "stent": "drug-eluting", "date": "2026-10-20"}]
    plan = _post(client, facts, token_for(alex, "plans:preview")).json()
    assert {"code": "recent-coronary-stent", "severity": "high"}.items() <= next(
        f for f in plan["flags"] if f["code"] == "recent-coronary-stent"
    ).items()
    assert not [a for a in plan["actions"] if a["code"] == "stop-medication" and a["drug"] == "aspirin"]
    facts["indications"] = [{"kind": "vte", "stent": "bare-metal"}]
    error = _post(client, facts, token_for(alex, "plans:preview")).json()["error"]
    assert error["code"] == "invalid-facts" and error["field"] == "indications[0].stent"


@pytest.mark.parametrize(("change", "field"), [
    (lambda f: f.update(as_of="0001-01-01T00:00:00+00:00"), "as_of"),
    (lambda f: f["procedure"].update(start="9999-12-31T23:59:59+00:00"), "procedure.start"),
    (lambda f: f["procedure"].update(timezone="localtime"), "procedure.timezone"),
    (lambda f: f["procedure"].update(timezone="posixrules"), "procedure.timezone"),
    (lambda f: f["procedure"].update(timezone="Factory"), "procedure.timezone"),
    (lambda f: f.update(medications=["aspirin 81 mg"] * 10_000), "medications"),
])
def test_it_answers_422_to_extreme_facts(client: Any, alex: Any, token_for: Any, change: Any, field: str) -> None:
    facts = _facts()
    change(facts)
    response = _post(client, facts, token_for(alex, "plans:preview"))
    assert response.status_code == 422, response.content
    assert response.json()["error"]["field"] == field


@pytest.mark.parametrize("depth", [70, 200_000])
def test_it_answers_400_to_deeply_nested_or_huge_bodies(client: Any, alex: Any, token_for: Any, depth: int) -> None:
    body = '{"as_of": ' + "[" * depth + "]" * depth + "}"
    response = client.post("/api/v1/plans/preview", body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token_for(alex, 'plans:preview')}")
    assert 400 <= response.status_code < 500, response.content


def test_it_refuses_a_body_over_the_upload_limit(client: Any, alex: Any, token_for: Any) -> None:
    facts = _facts()
    facts["medications"] = ["x" * 400] * 8_000  # ~3 MB
    response = _post(client, facts, token_for(alex, "plans:preview"))
    assert response.status_code in (400, 413), response.status_code


def test_it_answers_400_to_a_nul_character_which_postgresql_cannot_store(
        client: Any, alex: Any, token_for: Any) -> None:
    """Schemathesis sent a case whose patient name held a NUL: a 500 on PostgreSQL."""
    response = client.post("/api/v1/cases", json.dumps({"patient": {"name": "Ma\u0000ria", "language": "es"}}),
                           content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token_for(alex, 'cases:write')}")
    # django-ninja words every parser refusal "Cannot parse request body" (the reason only under DEBUG).
    assert response.status_code == 400, response.content
    assert "parse" in response.json()["error"]["message"]
    key = client.post("/api/v1/plans/preview", '{"as_of\\u0000": 1}', content_type="application/json",
                      HTTP_AUTHORIZATION=f"Bearer {token_for(alex, 'plans:preview')}")
    assert key.status_code == 400 and "parse" in key.json()["error"]["message"]
