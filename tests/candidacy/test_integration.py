"""REST and FHIR reads of Maria's candidacy; the Appointment's CPT codes follow the planned levels."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from kyphoplan.audit.models import AuditEvent
from kyphoplan.candidacy import services
from kyphoplan.cases.models import Case
from kyphoplan.pathway.services import book
from tests.candidacy.helpers import IP, NO_CONTRAINDICATION, read_maria
from tests.pathway.fixtures import NOW, START

pytestmark = pytest.mark.django_db


def _get(client: Any, url: str, token: str) -> Any:
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")


def _valid(body: dict[str, Any]) -> dict[str, Any]:
    model = get_fhir_model_class(body["resourceType"]).model_validate_json(json.dumps(body))
    assert model.model_dump(mode="json") == body
    return body


@pytest.fixture
def maria_read(rita: Any, maria_submitted: Any) -> Any:
    read_maria(rita, maria_submitted)
    services.do_answer_checklist(rita, maria_submitted, answers=NO_CONTRAINDICATION, ip=IP, now=NOW)
    services.do_sign_checklist(rita, maria_submitted, ip=IP, now=NOW)
    return maria_submitted


def test_it_serves_the_candidacy_over_rest_with_its_own_scope(client: Any, rita: Any, maria_read: Any,
                                                              token_for: Callable[..., str]) -> None:
    url = f"/api/v1/candidacy/{maria_read.pk}"
    assert _get(client, url, token_for(rita, "cases:read")).status_code == 403
    token = token_for(rita, "candidacy:read")
    body = _get(client, url, token).json()
    assert [(lv["level"], lv["genant_grade"], lv["morphology"], lv["height_loss_percent"]) for lv in body["levels"]] \
        == [("T12", 2, "wedge", "37.5"), ("L1", 1, "biconcave", "23.3")]
    assert [c["code"] for c in body["codes"]] == ["22513", "22515", "M80.08XA"]
    assert body["booking_blocked"] is False and body["signed"][0]["plan_version"] == 1
    chosen = next(p for p in body["payers"] if p["chosen"])
    assert chosen["id"] == "medicare-lcd" and chosen["overall"] == "met"
    assert AuditEvent.objects.filter(object_type="case", detail__page="api candidacy").exists()
    missing = _get(client, "/api/v1/candidacy/00000000-0000-0000-0000-000000000000", token)
    assert missing.status_code == 404


def test_it_codes_the_fhir_appointment_from_the_planned_levels(client: Any, rita: Any, nora: Any, maria_read: Any,
                                                               rooms: Any, token_for: Callable[..., str]) -> None:
    booking, _ = book(nora, maria_read, room=rooms["room1"], start=START, ip=IP, now=NOW)
    token = token_for(nora, "fhir:read")
    appt = _valid(_get(client, f"/fhir/Appointment/{booking.pk}", token).json())
    assert [c["coding"][0]["code"] for c in appt["serviceType"]] == ["22513", "22515"]
    # A lumbar first level: 22514, never a fixed 22513.
    Case.objects.filter(pk=maria_read.pk).update(levels_to_treat=["L1", "T12"])
    appt = _valid(_get(client, f"/fhir/Appointment/{booking.pk}", token).json())
    assert [c["coding"][0]["code"] for c in appt["serviceType"]] == ["22514", "22515"]


def test_it_serves_condition_service_requests_and_observations(client: Any, rita: Any, maria_read: Any,
                                                               token_for: Callable[..., str]) -> None:
    token = token_for(rita, "fhir:read")
    cid = maria_read.pk
    condition = _valid(_get(client, f"/fhir/Condition/{cid}-vcf", token).json())
    assert condition["code"]["coding"][0] == {"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "M80.08XA",
                                              "display": condition["code"]["coding"][0]["display"]}
    found = _valid(_get(client, f"/fhir/ServiceRequest?patient={cid}", token).json())
    assert [e["resource"]["code"]["coding"][0]["code"] for e in found["entry"]] == ["22513", "22515"]
    obs = _valid(_get(client, f"/fhir/Observation/{cid}-T12", token).json())
    assert obs["valueInteger"] == 2 and obs["component"][0]["valueQuantity"]["value"] == 37.5
    assert _get(client, f"/fhir/Condition/{cid}-nope", token).status_code == 404


def test_it_serves_the_packet_as_a_document_reference_and_a_claim_free_bundle(
        client: Any, rita: Any, maria_read: Any, token_for: Callable[..., str]) -> None:
    token = token_for(rita, "fhir:read")
    doc = _valid(_get(client, f"/fhir/DocumentReference/{maria_read.pk}-prior-auth", token).json())
    pdf = base64.b64decode(doc["content"][0]["attachment"]["data"])
    assert pdf.startswith(b"%PDF") and doc["content"][0]["attachment"]["size"] == len(pdf)
    facts = _valid(_get(client, f"/fhir/Bundle/{maria_read.pk}-prior-auth", token).json())
    kinds = [e["resource"]["resourceType"] for e in facts["entry"]]
    assert facts["type"] == "collection" and "Claim" not in kinds
    assert kinds.count("ServiceRequest") == 2 and "Condition" in kinds and "Patient" in kinds
    payer = next(e["resource"] for e in facts["entry"] if e["resource"]["id"].endswith("payer-medicare-lcd"))
    assert payer["valueString"] == "met"
