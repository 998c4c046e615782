"""The CapabilityStatement for /fhir/metadata, built from the resource types actually served."""

from __future__ import annotations

from datetime import datetime
from typing import Any

_PAGING = [("_count", "number"), ("_offset", "number")]
_BY_PATIENT = [("patient", "reference"), *_PAGING]
_STATUS = [("status", "token")]
SEARCH_PARAMS: dict[str, list[tuple[str, str]]] = {
    "Task": [*_STATUS, ("_count", "number"), ("_cursor", "string")],  # keyset: next links carry _cursor
    "Patient": [("identifier", "token"), ("_id", "token"), *_PAGING],
    "Appointment": [*_BY_PATIENT, *_STATUS], "CarePlan": [*_BY_PATIENT, *_STATUS],
    "QuestionnaireResponse": [*_BY_PATIENT, *_STATUS], "MedicationStatement": [*_BY_PATIENT, *_STATUS],
    "AllergyIntolerance": [*_BY_PATIENT, ("clinical-status", "token")],
}
# Candidacy (issue 14, fhir/candidacy.py).
SEARCH_PARAMS.update({kind: _BY_PATIENT for kind in ("Condition", "ServiceRequest", "Observation", "DocumentReference")})


def capability_statement(base_url: str, now: datetime) -> dict[str, Any]:
    from kyphoplan.fhir.views import CREATE, READ, SEARCH

    resources = []
    for kind in sorted(set(READ) | set(SEARCH)):
        interactions = [{"code": "read"}] if kind in READ else []
        if kind in SEARCH:
            interactions.append({"code": "search-type"})
        if kind in CREATE:
            interactions.append({"code": "create"})
        if kind == "CarePlan":
            interactions.append({"code": "vread"})
        entry: dict[str, Any] = {"type": kind, "interaction": interactions}
        if kind == "CarePlan":
            entry["versioning"] = "versioned"
        params = SEARCH_PARAMS.get(kind)
        if params:
            entry["searchParam"] = [{"name": name, "type": kind_} for name, kind_ in params]
        resources.append(entry)
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": now.date().isoformat(),
        "kind": "instance",
        "software": {"name": "kyphoplan"},
        "implementation": {"description": "kyphoplan FHIR R4 endpoint", "url": base_url},
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json", "json"],
        "rest": [{
            "mode": "server",
            "security": {"cors": True, "description": "Bearer integration token with the fhir:read scope (fhir:write to create) "
                                        "(manage.py create_api_token); every read is audited."},
            "resource": resources,
        }],
    }
