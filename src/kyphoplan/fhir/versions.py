"""meta.versionId / meta.lastUpdated for plan-backed resources (CarePlan).

A plan version's content changes only while it is a draft, by its clinician overlays;
once signed it is immutable, and its CarePlan changes once more only when a later
signed version supersedes it (status `revoked`). So its FHIR version is a count: "1" as
the engine made it, one more per overlay, one more when it is signed, one more when it
is superseded. lastUpdated is the time of the latest of those events. `respond` turns
the versionId into the ETag (W/"n").
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import Count, Max

from kyphoplan.fhir.resources import instant
from kyphoplan.plans.models import PlanVersion


def careplan_meta(version: Any, superseded_at: datetime | None = None) -> dict[str, str]:
    """`version` annotated with `overlay_count` and `last_overlay_at` (see `stamp`);
    `superseded_at`: when a later version of the case was signed, if one was."""
    signed = version.signed_at is not None
    number = 1 + version.overlay_count + (1 if signed else 0) + (1 if signed and superseded_at else 0)
    events = [t for t in (version.created_at, version.last_overlay_at, version.signed_at,
                          superseded_at if signed else None) if t is not None]
    return {"versionId": str(number), "lastUpdated": instant(max(events))}


def stamp(kind: str, resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add meta to each plan-backed resource (one query for all of them); others pass through."""
    if kind != "CarePlan" or not resources:
        return resources
    rows = list(PlanVersion.objects.filter(pk__in=[int(r["id"]) for r in resources]).annotate(
        overlay_count=Count("overlays"), last_overlay_at=Max("overlays__at")))
    signings: dict[UUID, list[tuple[int, datetime]]] = {}
    for case_id, number, signed_at in PlanVersion.objects.filter(
            case_id__in={row.case_id for row in rows}, signed_at__isnull=False).values_list(
            "case_id", "number", "signed_at"):
        if signed_at is not None:  # always, by the filter; the column's type allows None
            signings.setdefault(case_id, []).append((number, signed_at))
    metas = {}
    for row in rows:
        later = [at for number, at in signings.get(row.case_id, []) if number > row.number]
        metas[str(row.pk)] = careplan_meta(row, min(later) if later else None)
    return [{**r, "meta": {**r.get("meta", {}), **metas[r["id"]]}} if r["id"] in metas else r for r in resources]
