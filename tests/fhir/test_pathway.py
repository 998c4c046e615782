"""FHIR reads of the pathway (a case is the Patient), and creating an intake as a QuestionnaireResponse."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from kyphoplan.audit.models import AuditEvent
from kyphoplan.fhir.questionnaire import questionnaire_response
from tests.pathway.fixtures import MARIA_INTAKE, NOW, START

pytestmark = pytest.mark.django_db
PLAN = {
    "protocol": "sir-2019", "ruleset_version": "test", "language": "es",
    "procedure": {"start": START.isoformat(), "timezone": "America/Los_Angeles"},
    "decision_support": "Decision support.",
    "actions": [
        {"code": "stop-medication", "drug": "clopidogrel", "due": "2026-12-09T00:00:00-08:00",
         "texts": {"en": "Stop clopidogrel.", "es": "Deje el clopidogrel."}, "rule": "sir-clopidogrel",
         "source": "SIR2019", "audience": "patient", "requires_review": True},
        {"code": "resume-medication", "drug": "clopidogrel", "due": "2026-12-15T08:00:00-08:00",
         "texts": {"en": "Restart.", "es": "Vuelva a tomarlo."}, "rule": "sir-clopidogrel", "source": "SIR2019",
         "audience": "patient", "requires_review": True},
    ],
    "flags": [{"code": "prescriber-consult", "drug": "clopidogrel", "severity": "high", "text": "Ask.",
               "source": "SIR2019", "rule": "r"}],
}


def _get(client: Any, url: str, token: str) -> Any:
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")


def _check(body: dict[str, Any]) -> dict[str, Any]:
    model = get_fhir_model_class(body["resourceType"]).model_validate_json(json.dumps(body))
    assert model.model_dump(mode="json") == body
    return body


@pytest.fixture
def maria_full(maria_case: Any, sam: Any, rooms: dict[str, Any]) -> Any:
    from kyphoplan.booking.models import Booking
    from kyphoplan.intake.services import save_answers
    from kyphoplan.plans.models import PlanVersion

    save_answers(maria_case, MARIA_INTAKE, acting_user=None, ip="127.0.0.1", now=NOW)
    Booking.objects.create(case=maria_case, room=rooms["room1"], levels=2, arrive=START - timedelta(hours=1),
                           start=START, end=START + timedelta(hours=1), discharge=START + timedelta(hours=3),
                           created_at=NOW, created_by=sam)
    PlanVersion.objects.create(case=maria_case, number=1, created_at=NOW, reason="intake", facts={}, plan=PLAN,
                               ruleset_version="test")
    return maria_case


def test_it_reads_every_pathway_resource_of_a_case(client: Any, maria_full: Any, nora: Any,
                                                    token_for: Any) -> None:
    token = token_for(nora, "fhir:read")
    case = str(maria_full.pk)
    patient = _check(_get(client, f"/fhir/Patient/{case}", token).json())
    assert patient["name"][0]["text"] == "Maria Testpatient" and patient["birthDate"] == "1948-03-02"
    found = {}
    for kind in ("Appointment", "CarePlan", "QuestionnaireResponse", "MedicationStatement", "AllergyIntolerance"):
        page = _check(_get(client, f"/fhir/{kind}?patient={case}", token).json())
        found[kind] = [e["resource"] for e in page["entry"]]
        for resource in found[kind]:
            assert _get(client, f"/fhir/{kind}/{resource['id']}", token).json() == resource
    [plan] = found["CarePlan"]
    assert plan["status"] == "draft"
    stop = plan["activity"][0]["detail"]
    assert stop["doNotPerform"] is True and stop["description"] == "Deje el clopidogrel."
    assert stop["scheduledPeriod"]["end"] == "2026-12-15T08:00:00-08:00"
    assert found["Appointment"][0]["status"] == "booked"
    assert [m["medicationCodeableConcept"]["text"] for m in found["MedicationStatement"]] == [
        "Plavix 75 mg once daily", "metformin 500 mg twice a day", "little white pill for my heart"]
    assert found["AllergyIntolerance"][0]["code"]["text"] == "shellfish"
    assert found["QuestionnaireResponse"][0]["status"] == "in-progress"
    requests = 1 + len(found) + sum(len(resources) for resources in found.values())
    assert AuditEvent.objects.filter(actor_username="nora", object_type="case", object_id=case).count() == requests


def test_it_finds_a_patient_by_case_reference(client: Any, maria_case: Any, nora: Any, token_for: Any) -> None:
    token = token_for(nora, "fhir:read")
    page = _get(client, f"/fhir/Patient?identifier={maria_case.reference}", token).json()
    assert [e["resource"]["id"] for e in page["entry"]] == [str(maria_case.pk)]
    assert _get(client, "/fhir/Patient?identifier=KP-NONE-0000", token).json()["total"] == 0
    assert _get(client, "/fhir/Patient?name=Maria", token).status_code == 400


def test_it_refuses_pathway_reads_to_an_owner_without_a_role(client: Any, maria_case: Any,
                                                             token_for: Any) -> None:
    from django.contrib.auth import get_user_model

    outsider = get_user_model().objects.create_user(username="outsider")
    response = _get(client, f"/fhir/Patient/{maria_case.pk}", token_for(outsider, "fhir:read"))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(actor_username="outsider", action="denied").exists()


def _post(client: Any, body: dict[str, Any], token: str) -> Any:
    return client.post("/fhir/QuestionnaireResponse", json.dumps(body), content_type="application/fhir+json",
                       HTTP_AUTHORIZATION=f"Bearer {token}")


def test_it_creates_an_intake_from_a_questionnaire_response(client: Any, maria_case: Any, nora: Any,
                                                            token_for: Any) -> None:
    from kyphoplan.intake.models import Intake

    body = questionnaire_response({"id": "x", "case_id": maria_case.pk, "status": "in-progress",
                                   "updated_at": NOW.isoformat(), "data": MARIA_INTAKE})
    del body["id"]
    assert _post(client, body, token_for(nora, "fhir:read")).status_code == 403  # needs fhir:write
    response = _post(client, body, token_for(nora, "fhir:write"))
    assert response.status_code == 201, response.content
    intake = Intake.objects.get(case=maria_case)
    assert response["Location"].endswith(f"/fhir/QuestionnaireResponse/{intake.pk}")
    expected = {k: v for k, v in MARIA_INTAKE.items() if k != "escort_name"}
    assert intake.data == expected and intake.last_saved_by == nora
    assert AuditEvent.objects.filter(object_type="intake", actor_username="nora", action="update").exists()


@pytest.mark.parametrize(("change", "status"), [
    ({"subject": {"reference": "Patient/00000000-0000-4000-8000-000000000000"}}, 422),
    ({"questionnaire": "http://elsewhere.example/Questionnaire/1"}, 422),
    ({"status": "submitted"}, 400),
    ({"resourceType": "Observation"}, 400),
])
def test_it_refuses_a_bad_questionnaire_response(client: Any, maria_case: Any, nora: Any, token_for: Any,
                                                 change: dict[str, Any], status: int) -> None:
    body = {"resourceType": "QuestionnaireResponse", "status": "in-progress",
            "questionnaire": "https://kyphoplan.org/fhir/Questionnaire/kyphoplasty-intake",
            "subject": {"reference": f"Patient/{maria_case.pk}"}, **change}
    response = _post(client, body, token_for(nora, "fhir:write"))
    assert response.status_code == status
    assert response.json()["resourceType"] == "OperationOutcome"


def test_it_lets_only_case_workers_create(client: Any, maria_case: Any, make_staff: Any, token_for: Any) -> None:
    from kyphoplan.staff.roles import Role

    rita = make_staff("rita2", Role.RADIOLOGIST)
    body = {"resourceType": "QuestionnaireResponse", "status": "in-progress",
            "questionnaire": "https://kyphoplan.org/fhir/Questionnaire/kyphoplasty-intake",
            "subject": {"reference": f"Patient/{maria_case.pk}"}}
    assert _post(client, body, token_for(rita, "fhir:write")).status_code == 403


@pytest.mark.parametrize("depth", [70, 5_000, 200_000])
def test_it_answers_400_to_deeply_nested_json(client: Any, nora: Any, token_for: Any, depth: int) -> None:
    body = '{"resourceType": "QuestionnaireResponse", "item": ' + "[" * depth + "]" * depth + "}"
    response = client.post("/fhir/QuestionnaireResponse", body, content_type="application/fhir+json",
                           HTTP_AUTHORIZATION=f"Bearer {token_for(nora, 'fhir:write')}")
    assert response.status_code == 400, response.content
