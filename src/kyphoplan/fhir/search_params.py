"""Search parameters of the case-scoped FHIR searches (Patient, and `patient=` searches).

Every search takes `_count` and `_offset` (the next link carries both), since clients send
`_count` by default; the Task search alone pages by keyset (`_count`, `_cursor`); `status` (or `clinical-status` for AllergyIntolerance) where the resource
has one, as a comma-separated list of codes. Anything else is refused by name (400).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DEFAULT_COUNT = 50
MAX_COUNT = 100
# Search parameter → the element it filters on.
STATUS_PARAM: dict[str, tuple[str, str]] = {
    "CarePlan": ("status", "status"),
    "Appointment": ("status", "status"),
    "MedicationStatement": ("status", "status"),
    "QuestionnaireResponse": ("status", "status"),
    "AllergyIntolerance": ("clinical-status", "clinicalStatus"),
}
_PAGING = {"_count", "_offset"}


class SearchError(ValueError):
    pass


@dataclass(frozen=True)
class Search:
    patient: str = ""
    identifier: str | None = None
    statuses: frozenset[str] | None = None
    count: int = DEFAULT_COUNT
    offset: int = 0


def _whole(value: str, name: str, low: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise SearchError(f"{name} must be a whole number") from None
    if number < low:
        raise SearchError(f"{name} must be at least {low}")
    return number


def parse_paging(query: Mapping[str, str]) -> tuple[int, int]:
    """(count, offset) of a search page; SearchError on a value that is not a whole number."""
    count = min(_whole(query.get("_count", str(DEFAULT_COUNT)), "_count", 0), MAX_COUNT)
    return count, _whole(query.get("_offset", "0"), "_offset", 0)


def parse_search(kind: str, query: Mapping[str, str]) -> Search:
    by = {"identifier", "_id"} if kind == "Patient" else {"patient"}
    status = STATUS_PARAM.get(kind, ("", ""))[0]
    allowed = by | _PAGING | ({status} if status else set())
    unknown = set(query) - allowed
    if unknown or not set(query) & by:
        raise SearchError(
            f"search {kind} by {' or '.join(sorted(by))}"
            + (f"; unsupported parameters: {', '.join(sorted(unknown))}" if unknown else "")
            + f" (also accepted: {', '.join(sorted(allowed - by))})")
    statuses = frozenset(v for v in query[status].split(",") if v) if status and status in query else None
    count, offset = parse_paging(query)
    return Search(
        patient=query.get("patient", query.get("_id", "")).removeprefix("Patient/"),
        identifier=query["identifier"].rsplit("|", 1)[-1] if "identifier" in query else None,
        statuses=statuses, count=count, offset=offset,
    )


def _status_of(kind: str, resource: Mapping[str, Any]) -> str:
    value = resource.get(STATUS_PARAM[kind][1])
    if isinstance(value, Mapping):  # a CodeableConcept (clinicalStatus)
        codings: list[Mapping[str, Any]] = value.get("coding") or []
        return str(codings[0].get("code", "")) if codings else ""
    return str(value or "")


def narrow(kind: str, resources: list[dict[str, Any]], search: Search) -> list[dict[str, Any]]:
    if search.statuses is None or kind not in STATUS_PARAM:
        return resources
    return [r for r in resources if _status_of(kind, r) in search.statuses]
