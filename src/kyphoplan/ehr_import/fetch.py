"""Fetch a patient's medicines and allergies from an external FHIR R4 server as intake lines.

Each line keeps its source (the resource's full URL on that server), so a clinician can
see where a line came from. Inactive, stopped, refuted or entered-in-error resources are
left out and listed as skipped, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import quote

from kyphoplan.ehr_import.client import FhirServer
from kyphoplan.fhir.inbound import Line, Skipped, lines_from

SEARCHES = {
    "medications": ("MedicationStatement", "MedicationRequest"),
    "allergies": ("AllergyIntolerance",),
}


@dataclass(frozen=True)
class Imported:
    medications: list[Line]
    allergies: list[Line]
    skipped: list[Skipped]


def fetch_patient_lines(server: FhirServer, patient_id: str) -> Imported:
    """Raises FhirFetchError when the server cannot be read (nothing is half-imported)."""
    found: dict[str, list[Line]] = {}
    skipped: list[Skipped] = []
    patient = quote(patient_id, safe="")
    for kind, resource_types in SEARCHES.items():
        resources = []
        for resource_type in resource_types:
            resources += server.search(f"{resource_type}?patient={patient}&_count=100")
        lines, left_out = lines_from(resources, kind)
        # Sources as full URLs on that server: "MedicationRequest/1" alone names nothing outside it.
        found[kind] = [replace(line, source=server.url(line.source)) for line in lines]
        skipped += [replace(item, source=server.url(item.source)) for item in left_out]
    return Imported(medications=found["medications"], allergies=found["allergies"], skipped=skipped)
