"""/api/v1/cases/{id}/intake: read the answers (with what the engine recognises) and import
an EHR's medicine and allergy lists into them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kyphoplan.audit.models import AuditEvent
from kyphoplan.intake.models import Intake
from tests.ehr_import.fake_fhir import bundle, serve_fhir
from tests.ehr_import.test_fetch import CONTRAST, ELIQUIS, METFORMIN_BY_REFERENCE, REFUTED
from tests.pathway.fixtures import MARIA_INTAKE, NOW

pytestmark = pytest.mark.django_db
EHR_PLAVIX = "https://ehr.example.org/fhir/MedicationStatement/ms-9"


def _get(client: Any, url: str, token: str | None = None) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.get(url, **headers)


def _import(client: Any, case: Any, body: dict[str, Any], token: str) -> Any:
    return client.post(f"/api/v1/cases/{case.pk}/intake/import", json.dumps(body),
                       content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


def _save_maria(case: Any) -> Intake:
    from kyphoplan.intake.services import save_answers

    data = json.loads(json.dumps(MARIA_INTAKE))
    data["medicines"][0]["source"] = EHR_PLAVIX
    return save_answers(case, data, acting_user=None, ip=None, now=NOW)


def test_it_reads_the_intake_with_recognition_and_source(client: Any, maria_case: Any, nora: Any,
                                                         token_for: Any) -> None:
    intake = _save_maria(maria_case)
    response = _get(client, f"/api/v1/cases/{maria_case.pk}/intake", token_for(nora, "intake:read"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["medicines"] == [
        {"text": "Plavix 75 mg once daily", "unsure": False, "source": EHR_PLAVIX,
         "recognition": {"recognized": True, "ingredients": ["clopidogrel"], "classes": ["p2y12-inhibitor"],
                         "brand": "Plavix"}},
        {"text": "metformin 500 mg twice a day", "unsure": False, "source": None,
         "recognition": {"recognized": True, "ingredients": ["metformin"], "classes": ["biguanide"],
                         "brand": None}},
        {"text": "little white pill for my heart", "unsure": True, "source": None,
         "recognition": {"recognized": False, "ingredients": [], "classes": [], "brand": None}},
    ]
    assert body["allergies"] == [{"substance": "shellfish", "reaction": "hives", "source": None}]
    assert body == {**body, "case_id": str(maria_case.pk), "status": "in_progress", "submitted_at": None,
                    "diabetes": "type2", "insulin": False, "kidney": "no", "smoker": False, "has_escort": True,
                    "escort_name": "Luis, son", "weight_kg": 58.0, "height_cm": 157.0}
    [row] = AuditEvent.objects.filter(actor_username="nora", action="view", object_type="case",
                                      object_id=str(maria_case.pk))
    assert row.detail == {"page": "api intake", "via": "api", "token": row.detail["token"], "intake": intake.pk}


def test_it_reads_an_intake_nobody_has_started(client: Any, maria_case: Any, rita: Any, token_for: Any) -> None:
    body = _get(client, f"/api/v1/cases/{maria_case.pk}/intake", token_for(rita, "intake:read")).json()
    assert body == {"case_id": str(maria_case.pk), "status": "not_started", "updated_at": None,
                    "submitted_at": None, "medicines": [], "allergies": [], "diabetes": "unknown", "insulin": None,
                    "kidney": "unknown", "smoker": None, "has_escort": None, "escort_name": "",
                    "weight_kg": None, "height_cm": None}


def test_it_refuses_the_intake_without_a_token_scope_or_role(client: Any, maria_case: Any, nora: Any,
                                                             token_for: Any) -> None:
    from django.contrib.auth import get_user_model

    _save_maria(maria_case)
    url = f"/api/v1/cases/{maria_case.pk}/intake"
    response = _get(client, url)
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthenticated"
    for scopes in (("cases:read", "bookings:read"), ("intake:import",)):
        response = _get(client, url, token_for(nora, *scopes))
        assert response.status_code == 403 and response.json()["error"]["code"] == "missing-scope"
    outsider = get_user_model().objects.create_user(username="outsider")
    response = _get(client, url, token_for(outsider, "intake:read"))
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    assert AuditEvent.objects.filter(action="denied", actor_username="outsider").exists()
    assert not AuditEvent.objects.filter(action="view", object_id=str(maria_case.pk)).exists()
    missing = _get(client, "/api/v1/cases/00000000-0000-4000-8000-000000000000/intake",
                   token_for(nora, "intake:read"))
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not-found"


def test_it_imports_medicines_and_allergies_with_their_source(client: Any, maria_case: Any, nora: Any,
                                                               token_for: Any, settings: Any) -> None:
    from kyphoplan.intake.services import save_answers

    save_answers(maria_case, MARIA_INTAKE, acting_user=None, ip=None, now=NOW)
    already = {**ELIQUIS, "id": "ms-9", "medicationCodeableConcept": {"text": "Plavix 75 mg once daily"},
               "dosage": []}
    with serve_fhir() as fhir:
        settings.EHR_IMPORT_SERVERS = [fhir.base_url]
        fhir.add("/fhir/MedicationStatement?patient=ehr-42&_count=100", bundle([ELIQUIS, already]))
        fhir.add("/fhir/MedicationRequest?patient=ehr-42&_count=100", bundle([METFORMIN_BY_REFERENCE]))
        fhir.add("/fhir/AllergyIntolerance?patient=ehr-42&_count=100", bundle([CONTRAST, REFUTED]))
        response = _import(client, maria_case, {"base_url": fhir.base_url, "patient_id": "ehr-42",
                                                "access_token": "ehr-token"}, token_for(nora, "intake:import"))
        base = fhir.base_url
    assert response.status_code == 200, response.content
    assert response.json() == {"added_medications": 2, "added_allergies": 1, "already_there": 1,
                               "skipped": [{"source": f"{base}/AllergyIntolerance/al-2",
                                            "reason": "verification status refuted"}]}
    data = Intake.objects.get(case=maria_case).data
    assert data["medicines"][:3] == MARIA_INTAKE["medicines"]
    assert data["medicines"][3:] == [
        # The EHR's RxNorm coding is kept next to the text (recorded, and read before it).
        {"text": "apixaban 5 MG Oral Tablet twice a day", "unsure": False, "source": f"{base}/MedicationStatement/ms-1",
         "codes": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "1364445",
                    "display": "apixaban 5 MG Oral Tablet"}]},
        {"text": "metformin 1000 mg tablet 1 tablet twice daily", "unsure": False,
         "source": f"{base}/MedicationRequest/mr-1"},
    ]
    assert data["allergies"][1] == {"substance": "Iodinated contrast media", "reaction": "Urticaria",
                                    "source": f"{base}/AllergyIntolerance/al-1"}
    assert data["escort_name"] == "Luis, son"  # the rest of the intake is untouched
    assert AuditEvent.objects.filter(actor_username="nora", detail__ehr_import=base).exists()


def test_it_never_contacts_a_server_that_is_not_configured(client: Any, maria_case: Any, nora: Any,
                                                          token_for: Any) -> None:
    with serve_fhir() as fhir:
        response = _import(client, maria_case, {"base_url": fhir.base_url, "patient_id": "ehr-42"},
                           token_for(nora, "intake:import"))
    assert response.status_code == 422
    assert response.json()["error"] == {"code": "server-not-allowed", "field": "base_url",
                                        "message": "this FHIR server is not configured for import"}
    assert fhir.seen == []


def test_it_reports_an_ehr_failure_as_502_and_changes_nothing(client: Any, maria_case: Any, nora: Any,
                                                             token_for: Any, settings: Any) -> None:
    with serve_fhir() as fhir:
        settings.EHR_IMPORT_SERVERS = [fhir.base_url]
        response = _import(client, maria_case, {"base_url": fhir.base_url, "patient_id": "ehr-42"},
                           token_for(nora, "intake:import"))
    assert response.status_code == 502 and response.json()["error"]["code"] == "ehr-unavailable"
    assert not Intake.objects.filter(case=maria_case).exclude(data={}).exists()


def test_it_lets_only_case_workers_import(client: Any, maria_case: Any, rita: Any, token_for: Any) -> None:
    response = _import(client, maria_case, {"base_url": "http://x", "patient_id": "1"},
                       token_for(rita, "intake:import"))
    assert response.status_code == 403
