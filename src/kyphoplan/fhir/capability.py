"""The CapabilityStatement for /fhir/metadata, built from the resource types actually served.

The FHIR app's own tables (views.READ, SEARCH, CREATE) name what it serves; apps that serve
more under /fhir/ (outcomes: follow-up answers and liaison letters) register their types here
from their AppConfig.ready, so this app never imports them. Search parameters are the ones each
handler accepts, no more: a parameter listed here and refused by the server (or the reverse)
fails tests/fhir/test_capability.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

PAGED = [("_count", "number"), ("_offset", "number")]  # fhir.search_params.parse_paging
_PAGED = PAGED
_STATUS = [("status", "token")]
_BY_PATIENT_ONLY = [("patient", "reference")]  # fhir.candidacy: patient, and paging
SEARCH_PARAMS: dict[str, list[tuple[str, str]]] = {
    "Task": [*_STATUS, ("_count", "number"), ("_cursor", "string")],  # keyset: next links carry _cursor
    "Patient": [("identifier", "token"), ("_id", "token"), *_PAGED],
    "Appointment": [("patient", "reference"), *_STATUS, *_PAGED],
    "CarePlan": [("patient", "reference"), *_STATUS, *_PAGED],
    "QuestionnaireResponse": [("patient", "reference"), *_STATUS, *_PAGED],
    "MedicationStatement": [("patient", "reference"), *_STATUS, *_PAGED],
    "AllergyIntolerance": [("patient", "reference"), ("clinical-status", "token"), *_PAGED],
    "Questionnaire": [*_PAGED],  # every questionnaire served (one page by default)
}
# Candidacy (issue 14, fhir/candidacy.py).
SEARCH_PARAMS.update({kind: [*_BY_PATIENT_ONLY, *_PAGED] for kind in ("Condition", "ServiceRequest", "Observation",
                                                          "DocumentReference")})


@dataclass(frozen=True)
class Served:
    """A resource type another app serves under /fhir/ (or serves more of)."""

    read: bool
    search_params: tuple[tuple[str, str], ...] | None  # None: no search; () a search without parameters


EXTRA: dict[str, Served] = {}


def register(kind: str, *, read: bool, search_params: list[tuple[str, str]] | None) -> None:
    EXTRA[kind] = Served(read=read, search_params=tuple(search_params) if search_params is not None else None)


def served() -> dict[str, tuple[list[str], list[tuple[str, str]]]]:
    """Every resource type /fhir/ answers for: its interactions and its search parameters."""
    from kyphoplan.fhir.views import CREATE, READ, SEARCH

    out: dict[str, tuple[list[str], list[tuple[str, str]]]] = {}
    for kind in sorted(set(READ) | set(SEARCH) | set(EXTRA)):
        extra = EXTRA.get(kind)
        reads = kind in READ or (extra is not None and extra.read)
        searches = kind in SEARCH or (extra is not None and extra.search_params is not None)
        interactions = (["read"] if reads else []) + (["search-type"] if searches else [])
        interactions += ["create"] if kind in CREATE else []
        interactions += ["vread"] if kind == "CarePlan" else []
        # Where both serve a type, the FHIR app's handler checks the parameters (outcomes.fhir_views._merged).
        params = SEARCH_PARAMS.get(kind) if kind in SEARCH else list(extra.search_params or ()) if extra else []
        out[kind] = (interactions, list(params or []) if searches else [])
    return out


def capability_statement(base_url: str, now: datetime) -> dict[str, Any]:
    resources = []
    for kind, (interactions, params) in served().items():
        entry: dict[str, Any] = {"type": kind, "interaction": [{"code": code} for code in interactions]}
        if kind == "CarePlan":
            entry["versioning"] = "versioned"
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
