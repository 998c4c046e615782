"""SMART Backend Services against a real authorization server on localhost: EHR import of
a patient whose EHR pages and codes its medicines, and CDS self-fetch, with kyphoplan's own
client-credentials token (signed JWT assertion, token endpoint discovered)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from kyphoplan.ehr_import.backend import forget_tokens
from kyphoplan.intake.models import Intake
from tests.cdshooks.conftest import APIXABAN, ORDER_SIGN, in_days, order_sign_request
from tests.ehr_import.fake_fhir import bundle
from tests.smart.ehr_server import SmartEhr, serve_smart_ehr

pytestmark = pytest.mark.django_db
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
CLOPIDOGREL = {
    "resourceType": "MedicationRequest", "id": "mr-7", "status": "active", "intent": "order",
    "medicationCodeableConcept": {"coding": [{"system": RXNORM, "code": "32968", "display": "clopidogrel"}],
                                  "text": "antiplatelet (per cardiology)"},
    "subject": {"reference": "Patient/ehr-42"}, "dosageInstruction": [{"text": "75 mg once daily"}],
}


@pytest.fixture
def backend_ehr(settings: Any, tmp_path: Path) -> Any:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = tmp_path / "backend.pem"
    pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    forget_tokens()
    with serve_smart_ehr() as ehr:
        ehr.backend_clients["kyphoplan-backend"] = {"keys": [{**public, "kid": "kp-1", "alg": "RS384"}]}
        settings.SMART_BACKEND_CLIENTS = json.dumps({ehr.base: {"client_id": "kyphoplan-backend",
                                                                "key_file": str(pem), "kid": "kp-1"}})
        yield ehr
    forget_tokens()


def test_it_imports_a_paged_coded_medicine_list_with_its_own_backend_token(
        client: Any, backend_ehr: SmartEhr, maria_case: Any, nora: Any, token_for: Any, settings: Any) -> None:
    settings.EHR_IMPORT_SERVERS = [backend_ehr.base]
    backend_ehr.resources.update({
        "/fhir/MedicationStatement?patient=ehr-42&_count=100": bundle([]),
        "/fhir/MedicationRequest?patient=ehr-42&_count=100":
            bundle([APIXABAN], next_url=f"{backend_ehr.base}/MedicationRequest?patient=ehr-42&page=2"),
        "/fhir/MedicationRequest?patient=ehr-42&page=2": bundle([CLOPIDOGREL]),
        "/fhir/AllergyIntolerance?patient=ehr-42&_count=100": bundle([]),
    })
    response = client.post(f"/api/v1/cases/{maria_case.pk}/intake/import",
                           json.dumps({"base_url": backend_ehr.base, "patient_id": "ehr-42"}),
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token_for(nora, 'intake:import')}")
    assert response.status_code == 200, response.content
    assert response.json()["added_medications"] == 2
    medicines = Intake.objects.get(case=maria_case).data["medicines"]
    assert medicines[-1]["text"] == "antiplatelet (per cardiology) 75 mg once daily"
    assert medicines[-1]["codes"] == [{"system": RXNORM, "code": "32968", "display": "clopidogrel"}]
    assert "GET /fhir/.well-known/smart-configuration" in backend_ehr.log and "POST /token" in backend_ehr.log
    # The plan made from the intake reads the code: the line only says "antiplatelet".
    from django.utils import timezone

    from kyphoplan.clinical.facts import parse_facts
    from kyphoplan.clinical.plan import build_plan
    from kyphoplan.plans.services import facts_for

    facts = facts_for(maria_case, timezone.now())
    assert {"text": medicines[-1]["text"], "codes": medicines[-1]["codes"]} in facts["medications"]
    recognized = build_plan(parse_facts(facts)).medications
    assert any(m.ingredients == ("clopidogrel",) and m.input == medicines[-1]["text"] for m in recognized)
    assert "GET /fhir/MedicationRequest?patient=ehr-42&page=2" in backend_ehr.log


def test_it_fetches_cds_prefetch_with_its_own_backend_token_when_the_hook_gives_none(
        call: Any, ehr: Any, backend_ehr: SmartEhr) -> None:
    ehr.fhir_servers.append(backend_ehr.base)
    backend_ehr.resources["/fhir/MedicationRequest?patient=1288992&status=active,on-hold"] = bundle([CLOPIDOGREL])
    body = order_sign_request(in_days(20), fhirServer=backend_ehr.base)
    body["prefetch"]["medicationRequests"] = {"resourceType": "OperationOutcome",
                                              "issue": [{"severity": "error", "code": "timeout"}]}
    cards = call(ORDER_SIGN, body).json()["cards"]
    assert cards[0]["summary"].startswith("Kyphoplasty prep: hold clopidogrel (")
    assert backend_ehr.log.count("POST /token") == 1


def test_it_refuses_to_import_when_the_ehr_rejects_its_assertion(
        client: Any, backend_ehr: SmartEhr, maria_case: Any, nora: Any, token_for: Any, settings: Any) -> None:
    settings.EHR_IMPORT_SERVERS = [backend_ehr.base]
    backend_ehr.backend_clients.clear()  # our key is not (or no longer) registered there
    response = client.post(f"/api/v1/cases/{maria_case.pk}/intake/import",
                           json.dumps({"base_url": backend_ehr.base, "patient_id": "ehr-42"}),
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token_for(nora, 'intake:import')}")
    assert response.status_code == 502 and "backend" in response.json()["error"]["message"]
