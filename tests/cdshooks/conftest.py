"""An EHR that signs its CDS Hooks calls: keys, token factory, request examples.

The request bodies follow the shapes in the CDS Hooks 2.0 specification's examples
(order-sign, appointment-book, feedback), with a kyphoplasty order in them.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

ISS = "https://ehr.example.org"
BASE = "http://testserver"
ORDER_SIGN = "kyphoplasty-order-sign"
APPOINTMENT_BOOK = "kyphoplasty-appointment-book"


def service_url(service_id: str) -> str:
    return f"{BASE}/cds-services/{service_id}"


class Ehr:
    def __init__(self) -> None:
        self.rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ec = ec.generate_private_key(ec.SECP256R1())
        self.fhir_servers: list[str] = []

    def jwks(self) -> dict[str, Any]:
        rsa_jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.rsa.public_key()))
        ec_jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(self.ec.public_key()))
        return {"keys": [{**rsa_jwk, "kid": "rsa-1", "alg": "RS384", "use": "sig"},
                         {**ec_jwk, "kid": "ec-1", "alg": "ES256", "use": "sig"}]}

    def issuers(self) -> str:
        return json.dumps({ISS: {"jwks": self.jwks(), "fhir_servers": self.fhir_servers}})

    def claims(self, audience: str, **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        claims = {"iss": ISS, "sub": "ehr-client", "aud": audience, "iat": now, "exp": now + 240,
                  "jti": str(uuid.uuid4())}
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    def token(self, audience: str, *, alg: str = "RS384", kid: str = "rsa-1", key: Any = None,
              **overrides: Any) -> str:
        signing = key if key is not None else (self.rsa if alg.startswith(("RS", "PS")) else self.ec)
        return jwt.encode(self.claims(audience, **overrides), signing, algorithm=alg, headers={"kid": kid})


@pytest.fixture
def ehr(settings: Any) -> Ehr:
    ehr = Ehr()
    settings.BASE_URL = BASE
    settings.CDS_HOOKS_ISSUERS = ehr.issuers()
    return ehr


@pytest.fixture
def call(client: Any, ehr: Ehr, settings: Any) -> Callable[..., Any]:
    def post(service_id: str, body: dict[str, Any], token: str | None = None, path: str = "") -> Any:
        settings.CDS_HOOKS_ISSUERS = ehr.issuers()  # picks up fhir_servers set by the test
        url = f"/cds-services/{service_id}{path}"
        token = token if token is not None else ehr.token(service_url(service_id) + path)
        return client.post(url, json.dumps(body), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")

    return post


def in_days(days: int, hour: int = 8) -> str:
    """A local procedure time `days` from now at the practice (demo time zone)."""
    local = datetime.now(ZoneInfo("America/Los_Angeles")) + timedelta(days=days)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0).isoformat()


def kyphoplasty_order(start: str | None) -> dict[str, Any]:
    order: dict[str, Any] = {
        "resourceType": "ServiceRequest", "id": "kp-1", "status": "draft", "intent": "order",
        "code": {"coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": "22514",
                             "display": "Percutaneous vertebral augmentation, lumbar"}]},
        "subject": {"reference": "Patient/1288992"},
    }
    if start:
        order["occurrenceDateTime"] = start
    return order


def med_request(rid: str, text: str, dosage: str) -> dict[str, Any]:
    return {
        "resourceType": "MedicationRequest", "id": rid, "status": "active", "intent": "order",
        "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                                                  "display": text}], "text": text},
        "subject": {"reference": "Patient/1288992"},
        "dosageInstruction": [{"text": dosage}],
    }


def searchset(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": r} for r in resources]}


APIXABAN = med_request("mr-1", "apixaban 5 MG Oral Tablet [Eliquis]", "1 tablet by mouth twice daily")
METFORMIN = med_request("mr-2", "metformin hydrochloride 1000 MG Oral Tablet", "1 tablet twice daily with meals")
PATIENT = {"resourceType": "Patient", "id": "1288992", "gender": "female", "birthDate": "1948-03-02"}
PENICILLIN = {
    "resourceType": "AllergyIntolerance", "id": "al-1",
    "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
                                   "code": "active"}]},
    "code": {"text": "penicillin"}, "patient": {"reference": "Patient/1288992"},
    "reaction": [{"manifestation": [{"text": "hives"}]}],
}
EGFR = {
    "resourceType": "Observation", "id": "ob-1", "status": "final",
    "code": {"coding": [{"system": "http://loinc.org", "code": "98979-8"}]},
    "effectiveDateTime": "2026-11-01T09:00:00Z",
    "valueQuantity": {"value": 62, "unit": "mL/min/{1.73_m2}", "code": "mL/min/{1.73_m2}"},
}


def prefetch(meds: tuple[dict[str, Any], ...] = (APIXABAN, METFORMIN)) -> dict[str, Any]:
    return {
        "patient": PATIENT,
        "medicationRequests": searchset(*meds),
        "medicationStatements": None,
        "allergies": searchset(PENICILLIN),
        "labs": searchset(EGFR),
    }


def order_sign_request(start: str | None, **changes: Any) -> dict[str, Any]:
    body = {
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "fhirServer": "https://ehr.example.org/fhir",
        "hook": "order-sign",
        "context": {
            "userId": "PractitionerRole/123",
            "patientId": "1288992",
            "encounterId": "89284",
            "draftOrders": searchset(kyphoplasty_order(start)),
        },
        "prefetch": prefetch(),
    }
    body.update(changes)
    return body


def appointment_book_request(start: str) -> dict[str, Any]:
    return {
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2eb",
        "hook": "appointment-book",
        "context": {
            "userId": "PractitionerRole/A2340113",
            "patientId": "1288992",
            "encounterId": "456",
            "appointments": searchset({
                "resourceType": "Appointment", "id": "apt1", "status": "proposed",
                "serviceType": [{"coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": "22513"}],
                                 "text": "Balloon kyphoplasty"}],
                "description": "Kyphoplasty T12", "start": start,
                "end": start, "participant": [{"actor": {"reference": "Patient/1288992"}, "status": "accepted"}],
            }),
        },
        "prefetch": prefetch(),
    }
