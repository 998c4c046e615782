"""The CapabilityStatement for /fhir/metadata, built from the resource types actually served."""

from __future__ import annotations

from datetime import datetime
from typing import Any

SEARCH_PARAMS: dict[str, list[tuple[str, str]]] = {
    "Task": [("status", "token"), ("_count", "number"), ("_offset", "number")],
}


def capability_statement(base_url: str, now: datetime) -> dict[str, Any]:
    from kyphoplan.fhir.views import READ, SEARCH

    resources = []
    for kind in sorted(set(READ) | set(SEARCH)):
        interactions = [{"code": "read"}] if kind in READ else []
        if kind in SEARCH:
            interactions.append({"code": "search-type"})
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
            "security": {"description": "Bearer integration token with the fhir:read scope "
                                        "(manage.py create_api_token); every read is audited."},
            "resource": resources,
        }],
    }
