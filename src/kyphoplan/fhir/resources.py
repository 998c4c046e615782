"""Our records → FHIR R4 resources (plain dicts; `validate.emit` checks and serialises them).

Each function takes plain values (or a model instance read as attributes), so it is
testable without a database and usable before every model exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from kyphoplan.fhir.codes import coded_medicine
from kyphoplan.fhir.procedure_codes import service_types

REFERENCE_SYSTEM = "https://kyphoplan.org/fhir/callback-reference"
CASE_SYSTEM = "https://kyphoplan.org/fhir/case-reference"
CPT = "http://www.ama-assn.org/go/cpt"
ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
ALLERGY_VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
US_CORE_PATIENT = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient"
US_CORE_ALLERGY = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-allergyintolerance"

# Call-back status → Task.status (a closed request that was not scheduled was cancelled).
TASK_STATUS = {"new": "requested", "attempted": "in-progress", "reached": "in-progress",
               "scheduled": "completed", "closed": "cancelled"}


def instant(value: datetime | str) -> str:
    """An instant as FHIR JSON writes it (UTC as "Z", as the R4B models serialise it)."""
    text = value.isoformat() if isinstance(value, datetime) else value
    return text[:-6] + "Z" if text.endswith("+00:00") else text


_instant = instant


def task_from_callback(req: Any) -> dict[str, Any]:
    """A call-back request (callbacks.CallbackRequest) → Task."""
    resource: dict[str, Any] = {
        "resourceType": "Task",
        "id": str(req.pk),
        "identifier": [{"system": REFERENCE_SYSTEM, "value": req.reference}],
        "status": TASK_STATUS[req.status],
        "businessStatus": {"text": req.get_status_display()},
        "intent": "order",
        "priority": "routine",
        "code": {"text": "Call the patient back"},
        "description": req.get_reason_display(),
        "for": {"display": req.name},
        "authoredOn": _instant(req.created_at),
        "lastModified": _instant(req.updated_at),
        "restriction": {"period": {"end": _instant(req.due_by)}},
        "input": [
            {"type": {"text": "phone"}, "valueString": req.phone_e164},
            {"type": {"text": "language"}, "valueCode": req.language},
        ],
    }
    if req.email:
        resource["input"].append({"type": {"text": "email"}, "valueString": req.email})
    if req.best_days or req.best_times:
        resource["note"] = [{"text": f"Best days: {', '.join(req.best_days) or 'any'}; "
                                     f"best times: {', '.join(req.best_times) or 'any'}"}]
    if req.status == "closed" and req.close_reason:
        resource["statusReason"] = {"text": req.get_close_reason_display()}
    if req.assigned_to_id:
        resource["owner"] = {"display": req.assigned_to.get_username()}
    return resource


def _human_name(full: str) -> dict[str, Any]:
    """One stored name → HumanName. US Core asks for family or given: the last word is taken as
    the family name (the text keeps the name exactly as the patient wrote it)."""
    words = full.split()
    name: dict[str, Any] = {"text": full}
    if words:
        name["family"] = words[-1]
    if len(words) > 1:
        name["given"] = words[:-1]
    return name


def patient(case: Mapping[str, Any]) -> dict[str, Any]:
    """{"id", "reference", "name", "birth_date", "sex", "phone", "email", "language"} → Patient (US Core)."""
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": str(case["id"]),
        "meta": {"profile": [US_CORE_PATIENT]},
        "identifier": [{"system": CASE_SYSTEM, "value": case["reference"]}],
        "name": [_human_name(case["name"])],
        "gender": case.get("sex") or "unknown",
        "communication": [{"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": case.get("language", "en")}]},
                           "preferred": True}],
    }
    telecom = []
    if case.get("phone"):
        telecom.append({"system": "phone", "value": case["phone"]})
    if case.get("email"):
        telecom.append({"system": "email", "value": case["email"]})
    if telecom:
        resource["telecom"] = telecom
    if case.get("birth_date"):
        born = case["birth_date"]
        resource["birthDate"] = born.isoformat() if isinstance(born, date) else born
    return resource


APPOINTMENT_STATUS = {"active": "booked", "moved": "cancelled", "cancelled": "cancelled"}


def appointment(booking: Mapping[str, Any]) -> dict[str, Any]:
    """{"id", "case_id", "status", "start", "end", "room", "levels", "planned_levels"} → Appointment."""
    return {
        "resourceType": "Appointment",
        "id": str(booking["id"]),
        "status": APPOINTMENT_STATUS[booking["status"]],
        "serviceType": service_types(booking.get("planned_levels", ())),  # CPT per planned level (issue 14)
        "description": f"Balloon kyphoplasty, {booking['levels']} level(s)",
        "start": _instant(booking["start"]),
        "end": _instant(booking["end"]),
        "participant": [
            {"actor": {"reference": f"Patient/{booking['case_id']}"}, "status": "accepted"},
            {"actor": {"display": booking["room"]}, "status": "accepted"},
        ],
    }


def medication_statement(case_id: str, index: int, line: Mapping[str, Any]) -> dict[str, Any]:
    """One intake medicine line {"text", "unsure", "codes"?} → MedicationStatement: the text as typed,
    the EHR's codings when it was imported, and the RxNorm ingredient code where verified."""
    resource: dict[str, Any] = {
        "resourceType": "MedicationStatement",
        "id": f"{case_id}-m{index}",
        "status": "active",
        "medicationCodeableConcept": coded_medicine(line["text"], line.get("codes") or ()),
        "subject": {"reference": f"Patient/{case_id}"},
        "informationSource": {"reference": f"Patient/{case_id}"},
    }
    if line.get("unsure"):
        resource["note"] = [{"text": "The patient was not sure about this medicine."}]
    return resource


def allergy_intolerance(case_id: str, index: int, line: Mapping[str, Any]) -> dict[str, Any]:
    """One intake allergy line {"substance", "reaction"} → AllergyIntolerance (reported by the patient)."""
    resource: dict[str, Any] = {
        "resourceType": "AllergyIntolerance",
        "id": f"{case_id}-a{index}",
        "meta": {"profile": [US_CORE_ALLERGY]},
        "clinicalStatus": {"coding": [{"system": ALLERGY_CLINICAL, "code": "active"}]},
        "verificationStatus": {"coding": [{"system": ALLERGY_VERIFICATION, "code": "unconfirmed"}]},
        "code": {"text": line["substance"], **({"coding": list(line["codes"])} if line.get("codes") else {})},
        "patient": {"reference": f"Patient/{case_id}"},
    }
    if line.get("reaction"):
        resource["reaction"] = [{"manifestation": [{"text": line["reaction"]}]}]
    return resource
