"""FHIR protocol: versions and ETags of plan-backed resources, vread, OperationOutcome for
every error (unrouted paths, _history, PUT/DELETE), _count and status, 406, CORS."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from tests.fhir import test_pathway

maria_full = test_pathway.maria_full  # the same fixture

pytestmark = pytest.mark.django_db


def _get(client: Any, url: str, token: str, **headers: Any) -> Any:
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}", **headers)


def _outcome(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/fhir+json"
    body: dict[str, Any] = response.json()
    assert body["resourceType"] == "OperationOutcome" and body["issue"][0]["severity"] == "error"
    return body


def test_it_versions_a_careplan_and_reads_a_version(client: Any, maria_full: Any, nora: Any, rita: Any,
                                                    token_for: Any) -> None:
    from django.utils import timezone

    from kyphoplan.plans.models import PlanVersion

    token = token_for(nora, "fhir:read")
    version = PlanVersion.objects.get(case=maria_full)
    url = f"/fhir/CarePlan/{version.pk}"
    draft = _get(client, url, token)
    assert draft.json()["meta"]["versionId"] == "1" and draft["ETag"] == 'W/"1"'
    assert datetime.fromisoformat(draft.json()["meta"]["lastUpdated"]) == version.created_at
    PlanVersion.objects.filter(pk=version.pk).update(signed_at=timezone.now(), signed_by=rita)
    signed = _get(client, url, token)
    assert signed.json()["status"] == "active" and signed["ETag"] == 'W/"2"'
    assert _get(client, f"{url}/_history/2", token).json() == signed.json()
    assert _get(client, f"{url}/_history/2", token)["ETag"] == 'W/"2"'
    _outcome(_get(client, f"{url}/_history/1", token), 404)  # a draft's earlier state is not kept
    page = _get(client, f"/fhir/CarePlan?patient={maria_full.pk}", token).json()
    assert page["entry"][0]["resource"]["meta"]["versionId"] == "2"
    # A later signed version supersedes it: its CarePlan is revoked, a new version of the resource.
    later = PlanVersion.objects.create(case=maria_full, number=2, created_at=timezone.now(), reason="intake",
                                       facts={}, plan=version.plan, ruleset_version="test")
    PlanVersion.objects.filter(pk=later.pk).update(signed_at=timezone.now(), signed_by=rita)
    revoked = _get(client, url, token)
    assert revoked.json()["status"] == "revoked" and revoked["ETag"] == 'W/"3"'
    _outcome(_get(client, f"{url}/_history/2", token), 404)


def test_it_answers_every_error_with_an_operation_outcome(client: Any, maria_full: Any, nora: Any,
                                                          token_for: Any) -> None:
    token = token_for(nora, "fhir:read")
    patient = f"/fhir/Patient/{maria_full.pk}"
    for url in ("/fhir/", "/fhir/Patient/1/2/3", f"{patient}/_history", "/fhir/_history", "/fhir/Patient/_history"):
        _outcome(_get(client, url, token), 404)
    _outcome(_get(client, f"{patient}/_history/1", token), 404)
    for method in ("put", "delete", "patch"):
        response = getattr(client, method)(patient, "{}", content_type="application/fhir+json",
                                           HTTP_AUTHORIZATION=f"Bearer {token}")
        assert "csrf" not in response.content.decode().lower()
        _outcome(response, 405)
    _outcome(client.get(patient), 401)
    _outcome(client.post("/fhir/", "{}", content_type="application/fhir+json"), 404)


def test_it_takes_count_and_status_on_patient_searches(client: Any, maria_full: Any, nora: Any,
                                                       token_for: Any) -> None:
    token = token_for(nora, "fhir:read")
    case = maria_full.pk
    meds = _get(client, f"/fhir/MedicationStatement?patient={case}&status=active&_count=2", token).json()
    assert meds["total"] == 3 and len(meds["entry"]) == 2
    following = next(link["url"] for link in meds["link"] if link["relation"] == "next")
    rest = _get(client, following.removeprefix("http://testserver"), token).json()
    assert len(rest["entry"]) == 1
    assert _get(client, f"/fhir/CarePlan?patient={case}&status=active", token).json()["total"] == 0
    assert _get(client, f"/fhir/CarePlan?patient={case}&status=draft,active", token).json()["total"] == 1
    assert _get(client, f"/fhir/Appointment?patient={case}&status=booked&_count=10", token).json()["total"] == 1
    assert _get(client, f"/fhir/AllergyIntolerance?patient={case}&clinical-status=active",
                token).json()["total"] == 1
    assert _get(client, f"/fhir/Patient?_id={case}&_count=5", token).json()["total"] == 1
    body = _outcome(_get(client, f"/fhir/CarePlan?patient={case}&category=x", token), 400)
    assert "category" in body["issue"][0]["diagnostics"]
    _outcome(_get(client, f"/fhir/CarePlan?patient={case}&_count=many", token), 400)


@pytest.mark.parametrize(("headers", "query", "status"), [
    ({"HTTP_ACCEPT": "application/fhir+xml"}, "", 406),
    ({"HTTP_ACCEPT": "application/xml;q=0.9, text/turtle"}, "", 406),
    ({}, "?_format=xml", 406),
    ({}, "?_format=json", 200),
    ({"HTTP_ACCEPT": "application/fhir+json"}, "", 200),
    ({"HTTP_ACCEPT": "text/html,application/xhtml+xml,*/*;q=0.8"}, "", 200),
])
def test_it_answers_406_to_formats_it_does_not_serve(client: Any, headers: dict[str, str], query: str,
                                                     status: int) -> None:
    response = client.get(f"/fhir/metadata{query}", **headers)
    assert response.status_code == status
    assert response.json()["resourceType"] == ("CapabilityStatement" if status == 200 else "OperationOutcome")


def test_it_answers_cors_for_browser_smart_apps(client: Any, maria_full: Any, nora: Any, token_for: Any) -> None:
    preflight = client.options(f"/fhir/Patient/{maria_full.pk}", HTTP_ORIGIN="https://app.example.org",
                               HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
                               HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization")
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "Authorization" in preflight["Access-Control-Allow-Headers"]
    read = _get(client, f"/fhir/Patient/{maria_full.pk}", token_for(nora, "fhir:read"),
                HTTP_ORIGIN="https://app.example.org")
    assert read.status_code == 200 and read["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in read["Access-Control-Expose-Headers"]
    assert client.get("/fhir/Patient/x", HTTP_ORIGIN="https://a.example")["Access-Control-Allow-Origin"] == "*"
