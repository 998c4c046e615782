"""Discovery, request shapes, and what happens when prefetch data is missing (412)."""

from __future__ import annotations

from typing import Any

import pytest

from kyphoplan.cdshooks.config import parse_issuers
from kyphoplan.cdshooks.prefetch import MissingPrefetch, gather
from kyphoplan.fhir.inbound import EGFR_CODES
from tests.cdshooks.conftest import (
    APIXABAN,
    ISS,
    ORDER_SIGN,
    PENICILLIN,
    in_days,
    order_sign_request,
    searchset,
)
from tests.ehr_import.fake_fhir import bundle, serve_fhir

pytestmark = pytest.mark.django_db


def test_it_lists_both_services_with_prefetch_templates(client: Any) -> None:
    response = client.get("/cds-services")
    assert response.status_code == 200
    services = {s["id"]: s for s in response.json()["services"]}
    assert services["kyphoplasty-order-sign"]["hook"] == "order-sign"
    assert services["kyphoplasty-appointment-book"]["hook"] == "appointment-book"
    for service in services.values():
        assert set(service) >= {"hook", "id", "title", "description", "prefetch"}
        prefetch = service["prefetch"]
        assert prefetch["patient"] == "Patient/{{context.patientId}}"
        assert prefetch["medicationRequests"].startswith("MedicationRequest?patient={{context.patientId}}")
        assert prefetch["medicationStatements"].startswith("MedicationStatement?patient={{context.patientId}}")
        assert prefetch["allergies"] == "AllergyIntolerance?patient={{context.patientId}}"
        assert all(f"http://loinc.org|{code}" in prefetch["labs"] for code in (*EGFR_CODES, "2160-0"))


def test_it_answers_412_when_the_medicines_are_neither_sent_nor_fetchable(call: Any) -> None:
    body = order_sign_request(in_days(20))
    del body["prefetch"]["medicationRequests"]
    del body["prefetch"]["medicationStatements"]
    response = call(ORDER_SIGN, body)
    assert response.status_code == 412
    assert "medicationRequests or medicationStatements" in response.json()["error"]["message"]


def test_it_answers_412_when_allergies_are_missing_and_the_server_is_not_allowed(call: Any) -> None:
    body = order_sign_request(in_days(20), fhirAuthorization={
        "access_token": "some-opaque-fhir-access-token", "token_type": "Bearer", "expires_in": 300,
        "scope": "user/Patient.read user/AllergyIntolerance.read", "subject": "cds-service4"})
    del body["prefetch"]["allergies"]
    # fhirServer is https://ehr.example.org/fhir, but the issuer lists no FHIR servers we may call.
    assert call(ORDER_SIGN, body).status_code == 412


def test_it_answers_400_to_a_body_without_patient(call: Any) -> None:
    body = order_sign_request(in_days(20))
    del body["context"]["patientId"]
    assert call(ORDER_SIGN, body).status_code == 400


def test_it_answers_400_to_the_wrong_hook_and_404_to_an_unknown_service(call: Any) -> None:
    body = order_sign_request(in_days(20), hook="patient-view")
    assert call(ORDER_SIGN, body).status_code == 400
    assert call("no-such-service", body).status_code == 404


def test_it_fetches_missing_prefetch_from_an_allowed_fhir_server_with_the_given_token(ehr: Any) -> None:
    with serve_fhir() as fhir:
        ehr.fhir_servers.append(fhir.base_url)
        issuer = parse_issuers(ehr.issuers())[ISS]
        fhir.add("/fhir/MedicationRequest?patient=1288992&status=active,on-hold",
                 bundle([APIXABAN], next_url=f"{fhir.base_url}/MedicationRequest?page=2"))
        fhir.add("/fhir/MedicationRequest?page=2", bundle([]))
        fhir.add("/fhir/AllergyIntolerance?patient=1288992", bundle([PENICILLIN]))
        body = {
            "hook": "order-sign", "hookInstance": "x", "fhirServer": fhir.base_url,
            "fhirAuthorization": {"access_token": "tok-123", "token_type": "Bearer"},
            "context": {"patientId": "1288992"},
            "prefetch": {"patient": None, "labs": searchset(), "medicationStatements": None},
        }
        data, notes = gather(body, issuer)
    assert [r["id"] for r in data["medicationRequests"]] == ["mr-1"]
    assert [r["id"] for r in data["allergies"]] == ["al-1"]
    assert {auth for _, auth in fhir.seen} == {"Bearer tok-123"}
    assert notes == []


def test_it_answers_412_when_the_fhir_server_fails_for_required_data(ehr: Any) -> None:
    with serve_fhir() as fhir:
        ehr.fhir_servers.append(fhir.base_url)
        issuer = parse_issuers(ehr.issuers())[ISS]
        fhir.add("/fhir/AllergyIntolerance?patient=1288992", {"resourceType": "OperationOutcome"}, status=500)
        body = {"hook": "order-sign", "fhirServer": fhir.base_url,
                "fhirAuthorization": {"access_token": "tok-123"}, "context": {"patientId": "1288992"},
                "prefetch": {"medicationRequests": searchset(APIXABAN)}}
        with pytest.raises(MissingPrefetch) as missing:
            gather(body, issuer)
    assert missing.value.keys == ["allergies"]


def test_it_keeps_feedback_on_a_card_it_has_no_record_of(call: Any) -> None:
    from kyphoplan.cdshooks.models import Feedback

    body = {"feedback": [{"card": "9368d37b-283f-44a0-93ea-547cebab93ed", "outcome": "accepted",
                          "acceptedSuggestions": [{"id": "e56e1945-20b3-4393-8503-a1a20fd73152"}],
                          "outcomeTimestamp": "2026-11-25T12:00:00Z"}]}
    assert call(ORDER_SIGN, body, path="/feedback").status_code == 200
    row = Feedback.objects.get()
    assert row.card is None and row.accepted_suggestions == [{"id": "e56e1945-20b3-4393-8503-a1a20fd73152"}]


def test_it_refuses_malformed_feedback(call: Any, ehr: Any) -> None:
    for body in ({}, {"feedback": []}, {"feedback": [{"card": "x", "outcome": "ignored",
                                                       "outcomeTimestamp": "2026-11-25T12:00:00Z"}]},
                 {"feedback": [{"card": "x", "outcome": "accepted"}]}):
        assert call(ORDER_SIGN, body, path="/feedback").status_code == 400
    # A token for the service itself is not a token for its feedback endpoint.
    token = ehr.token("http://testserver/cds-services/kyphoplasty-order-sign")
    assert call(ORDER_SIGN, {"feedback": []}, token=token, path="/feedback").status_code == 401


def test_it_answers_cors_for_browser_based_cds_clients(client):
    preflight = client.options(
        "/cds-services/kyphoplasty-order-sign",
        HTTP_ORIGIN="https://sandbox.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "Authorization" in preflight["Access-Control-Allow-Headers"]
    assert "POST" in preflight["Access-Control-Allow-Methods"]
    discovery = client.get("/cds-services", HTTP_ORIGIN="https://sandbox.example.org")
    assert discovery.status_code == 200 and discovery["Access-Control-Allow-Origin"] == "*"
    # Unsigned calls are still refused; the refusal is readable by the browser client.
    refused = client.post("/cds-services/kyphoplasty-order-sign", data={}, content_type="application/json")
    assert refused.status_code == 401 and refused["Access-Control-Allow-Origin"] == "*"
