"""The CapabilityStatement for /fhir/metadata, built from the resource types actually served."""

from __future__ import annotations

from datetime import datetime
from typing import Any

_BY_PATIENT = [("patient", "reference")]
SEARCH_PARAMS: dict[str, list[tuple[str, str]]] = {
    "Task": [("status", "token"), ("_count", "number"), ("_offset", "number")],
    "Patient": [("identifier", "token"), ("_id", "token")],
    "Appointment": _BY_PATIENT, "CarePlan": _BY_PATIENT, "QuestionnaireResponse": _BY_PATIENT,
    "MedicationStatement": _BY_PATIENT, "AllergyIntolerance": _BY_PATIENT,
}


def capability_statement(base_url: str, now: datetime) -> dict[str, Any]:
    from kyphoplan.fhir.views import CREATE, READ, SEARCH

    resources = []
    for kind in sorted(set(READ) | set(SEARCH)):
        interactions = [{"code": "read"}] if kind in READ else []
        if kind in SEARCH:
            interactions.append({"code": "search-type"})
        if kind in CREATE:
            interactions.append({"code": "create"})
        entry: dict[str, Any] = {"type": kind, "interaction": interactions}
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
            "security": {"description": "Bearer integration token with the fhir:read scope (fhir:write to create) "
                                        "(manage.py create_api_token); every read is audited."},
            "resource": resources,
        }],
    }
