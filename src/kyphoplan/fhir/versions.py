"""meta.versionId / meta.lastUpdated for plan-backed resources (CarePlan).

A plan version changes only while it is a draft, by its clinician overlays, and
never after it is signed. So its FHIR version is a count: "1" as the engine made it,
one more per overlay, one more when it is signed; after signing it never changes.
lastUpdated is the time of the latest of those events. `respond` turns the versionId
into the ETag (W/"n").
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max

from kyphoplan.plans.models import PlanVersion


def careplan_meta(version: Any) -> dict[str, str]:
    """`version` annotated with `overlay_count` and `last_overlay_at` (see `stamp`)."""
    number = 1 + version.overlay_count + (1 if version.signed_at else 0)
    events = [t for t in (version.created_at, version.last_overlay_at, version.signed_at) if t is not None]
    return {"versionId": str(number), "lastUpdated": max(events).isoformat()}


def stamp(kind: str, resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add meta to each plan-backed resource (one query for all of them); others pass through."""
    if kind != "CarePlan" or not resources:
        return resources
    rows = PlanVersion.objects.filter(pk__in=[int(r["id"]) for r in resources]).annotate(
        overlay_count=Count("overlays"), last_overlay_at=Max("overlays__at"))
    metas = {str(row.pk): careplan_meta(row) for row in rows}
    return [{**r, "meta": {**r.get("meta", {}), **metas[r["id"]]}} if r["id"] in metas else r for r in resources]
