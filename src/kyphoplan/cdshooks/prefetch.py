"""A hook request's context and prefetch → the contract's patient facts.

Prefetch keys missing from the request are fetched from the client's FHIR server
when it gave one (and the issuer allows that server); required data that is
neither sent nor fetchable raises `MissingPrefetch` (the view answers 412).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import quote, urljoin
from zoneinfo import ZoneInfo

from kyphoplan.cdshooks.config import Issuer
from kyphoplan.cdshooks.services import PREFETCH, REQUIRED_ANY_OF
from kyphoplan.ehr_import import backend
from kyphoplan.ehr_import.backend import backend_client
from kyphoplan.ehr_import.client import FhirFetchError, FhirServer
from kyphoplan.ehr_import.smart_discovery import SmartError
from kyphoplan.fhir.inbound import Line, age_on, concept_text, latest_labs, lines_from, sex_of
from kyphoplan.fhir.outcomes import data_resources, failure_of, next_page

CPT_SYSTEMS = {"http://www.ama-assn.org/go/cpt", "urn:oid:2.16.840.1.113883.6.12"}
KYPHOPLASTY_CPT = {"22510", "22511", "22512", "22513", "22514", "22515"}
_WORDS = re.compile(r"kyphoplast|vertebroplast|vertebral augmentation", re.IGNORECASE)
# With no date on the order, plan for a placeholder this far ahead (and say so on a card).
PLACEHOLDER_DAYS = 14
PLACEHOLDER_TIME = time(8, 0)


class MissingPrefetch(Exception):
    def __init__(self, keys: list[str]) -> None:
        super().__init__(", ".join(keys))
        self.keys = keys


class BadRequest(Exception):
    """The hook request does not have the shape the specification gives it."""


Fetcher = Callable[[FhirServer, str, bool], list[dict[str, Any]]]


def _fetch(server: FhirServer, relative: str, single: bool) -> list[dict[str, Any]]:
    return [server.read(relative)] if single else server.search(relative)


def resources_of(value: Any) -> list[dict[str, Any]]:
    """A prefetch or context value (a Bundle, a single resource, an array of them, or null)
    → its resources. The specification's appointment-book examples send an array."""
    if value is None:
        return []
    if isinstance(value, list):
        return [r for item in value for r in resources_of(item)]
    if not isinstance(value, dict) or "resourceType" not in value:
        raise BadRequest("a prefetch or context value is not a FHIR resource, Bundle or array of resources")
    if value["resourceType"] == "Bundle":
        return data_resources(value)
    return [value]


def _is_procedure(concepts: list[Mapping[str, Any]], text: str = "") -> bool:
    for concept in concepts:
        for coding in concept.get("coding") or []:
            if coding.get("system") in CPT_SYSTEMS and coding.get("code") in KYPHOPLASTY_CPT:
                return True
        if _WORDS.search(concept_text(concept)):
            return True
    return bool(_WORDS.search(text))


def procedure_resources(hook: str, context: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The kyphoplasty orders (order-sign) or appointments (appointment-book) in the context."""
    if hook == "order-sign":
        orders = resources_of(context.get("draftOrders"))
        return [r for r in orders if r.get("resourceType") == "ServiceRequest"
                and _is_procedure([r.get("code") or {}], str(r.get("text", {}).get("div", "")))]
    appointments = resources_of(context.get("appointments"))
    return [
        a for a in appointments if a.get("resourceType") == "Appointment" and _is_procedure(
            [*(a.get("serviceType") or []), a.get("appointmentType") or {}, *(a.get("reasonCode") or [])],
            str(a.get("description") or ""),
        )
    ]


def _start_of(resource: Mapping[str, Any]) -> str | None:
    if resource.get("resourceType") == "Appointment":
        return resource.get("start")
    return resource.get("occurrenceDateTime") or (resource.get("occurrencePeriod") or {}).get("start")


_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _procedure_start(text: str | None, zone: ZoneInfo, as_of: datetime, notes: list[str]) -> datetime | None:
    """The order's or appointment's start; a date without a time is that day at the usual start
    time, a time without a zone is the practice's local time (each said on the overview card)."""
    if not text:
        return None
    try:
        if _DATE_ONLY.match(text):
            start = datetime.combine(date.fromisoformat(text), PLACEHOLDER_TIME, tzinfo=zone)
            notes.append(f"The order gives a day without a time: the plan assumes {start:%a %d %b %Y %H:%M}.")
        else:
            start = datetime.fromisoformat(text)
            if start.tzinfo is None:
                start = start.replace(tzinfo=zone)
                notes.append(f"The procedure time has no time zone: read as {zone.key} time.")
    except ValueError:
        notes.append("The procedure date on the order could not be read.")
        return None
    if start <= as_of:
        notes.append("The procedure date on the order is not in the future.")
        return None
    return start


@dataclass
class Draft:
    facts: dict[str, Any]
    placeholder_start: bool
    notes: list[str] = field(default_factory=list)
    sources: dict[str, list[str]] = field(default_factory=dict)


# What each prefetch key is, in words a clinician reads on a card.
DATA_NAMES = {
    "patient": "the patient's age and sex",
    "medicationRequests": "the medicine orders",
    "medicationStatements": "the medicine list",
    "allergies": "the allergy list",
    "labs": "the lab results",
}


@dataclass
class Gathered:
    """Every prefetch key's resources, notes for the overview card, and the keys whose data
    is known to be incomplete (the EHR's query failed or was cut), each with the reason."""

    data: dict[str, list[dict[str, Any]]]
    notes: list[str]
    incomplete: dict[str, str] = field(default_factory=dict)

    def __iter__(self) -> Any:  # (data, notes) = gather(...) as before
        return iter((self.data, self.notes))


def gather(body: Mapping[str, Any], issuer: Issuer, *, fetch: Fetcher = _fetch) -> Gathered:
    """Every prefetch key → its resources: from the request, else fetched.

    A value that is an OperationOutcome (or a Bundle holding only one) is the EHR saying
    its query failed: fetched again when fhirServer/fhirAuthorization allow, else marked
    incomplete. A paged Bundle is followed on the same allow-listed server, else marked
    incomplete. Required keys neither sent nor fetchable raise MissingPrefetch (412)."""
    context = body.get("context") or {}
    patient_id = context.get("patientId")
    if not isinstance(patient_id, str) or not patient_id:
        raise BadRequest("context.patientId is required")
    prefetch = body.get("prefetch") or {}
    if not isinstance(prefetch, dict):
        raise BadRequest("prefetch must be an object")
    server = _server(body, issuer)
    found = Gathered(data={}, notes=[])
    for key, template in PREFETCH.items():
        relative = template.replace("{{context.patientId}}", quote(patient_id, safe=""))
        if key in prefetch:
            _read_sent(found, key, prefetch[key], server, issuer, relative, fetch)
        elif server is not None:
            try:
                found.data[key] = fetch(server, relative, key == "patient")
            except FhirFetchError:
                found.notes.append(f"Could not read {key} from the EHR.")
    missing = [" or ".join(group) for group in REQUIRED_ANY_OF if not any(k in found.data for k in group)]
    if missing:
        raise MissingPrefetch(missing)
    return found


def _read_sent(found: Gathered, key: str, value: Any, server: FhirServer | None, issuer: Issuer,
               relative: str, fetch: Fetcher) -> None:
    if value is not None and not isinstance(value, dict):
        raise BadRequest(f"prefetch.{key} is not a FHIR resource")
    failure = failure_of(value) if value else None
    if failure:
        if server is None:
            found.data[key] = []
            found.incomplete[key] = f"{failure}; no fhirServer access to fetch it again"
            return
        try:
            found.data[key] = fetch(server, relative, key == "patient")
        except FhirFetchError as exc:
            found.data[key] = []
            found.incomplete[key] = f"{failure}; fetching it again failed ({exc})"
        return
    found.data[key] = resources_of(value)
    more = next_page(value) if value and value.get("resourceType") == "Bundle" else None
    if more is None:
        return
    if server is None or not issuer.may_fetch_from(urljoin(server.url(""), more)):
        found.incomplete[key] = "the EHR sent only the first page, and the next page is not fetchable here"
        return
    try:
        found.data[key] += server.follow(urljoin(server.url(""), more))
    except FhirFetchError as exc:
        found.incomplete[key] = f"the EHR sent only the first page; the rest failed ({exc})"


def _server(body: Mapping[str, Any], issuer: Issuer) -> FhirServer | None:
    """The client's FHIR server, if the issuer allows it, with the token the hook gave, else
    our own SMART Backend Services token for that server (when we are registered there)."""
    base = body.get("fhirServer")
    if not isinstance(base, str) or not issuer.may_fetch_from(base):
        return None
    auth = body.get("fhirAuthorization") or {}
    token = auth.get("access_token") if isinstance(auth, dict) else None
    if isinstance(token, str) and token:
        return FhirServer(base, token)
    client = backend_client(base)
    if client is None:
        return None
    try:
        return FhirServer(base, backend.access_token(client))
    except SmartError:
        return None


def draft_facts(
    procedure: Mapping[str, Any], data: Mapping[str, list[dict[str, Any]]], *, now: datetime, zone: ZoneInfo
) -> Draft:
    as_of = now.astimezone(zone)
    notes: list[str] = []
    start = _procedure_start(_start_of(procedure), zone, as_of, notes)
    placeholder = start is None
    if start is None:
        day = as_of.date() + timedelta(days=PLACEHOLDER_DAYS)
        start = datetime.combine(day, PLACEHOLDER_TIME, tzinfo=zone)
        notes.append(
            f"No procedure date yet: dates below assume {start:%a %d %b %Y %H:%M} and will change."
        )
    meds, skipped_meds = lines_from([*data.get("medicationRequests", []), *data.get("medicationStatements", [])],
                                    "medications")
    allergies, _ = lines_from(data.get("allergies", []), "allergies")
    labs = latest_labs(data.get("labs", []))
    patient: dict[str, Any] = {}
    for resource in data.get("patient", []):
        if resource.get("resourceType") == "Patient":
            patient["sex"] = sex_of(resource)
            age = age_on(str(resource.get("birthDate", "")), as_of.date())
            if age is not None:
                patient["age"] = age
    if "weight_kg" in labs:
        patient["weight_kg"] = labs.pop("weight_kg")[0]
    notes.extend(f"{s.source} left out: {s.reason}." for s in skipped_meds if "status" not in s.reason)
    facts: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "procedure": {"start": start.astimezone(zone).isoformat(), "timezone": zone.key},
        "patient": patient,
        "medications": medication_items(meds),
        "allergies": _unique([line.text for line in allergies]),
        "labs": {name: value for name, (value, _) in labs.items()},
    }
    sources = {
        "medications": [line.source for line in meds],
        "allergies": [line.source for line in allergies],
        "labs": [source for _, source in labs.values()],
    }
    return Draft(facts=facts, placeholder_start=placeholder, notes=notes, sources=sources)


def _unique(lines: list[str]) -> list[str]:
    # A medicine both ordered and reported is one line for the plan, not two.
    kept: dict[str, str] = {}
    for line in lines:
        kept.setdefault(line.casefold(), line)
    return list(kept.values())


def medication_items(lines: list[Line]) -> list[Any]:
    """Facts' medicine lines: the text, or {"text", "codes"} when the EHR coded it (the engine
    reads a verified code before the text). One line per text; codes of duplicates merged."""
    kept: dict[str, tuple[str, list[dict[str, str]]]] = {}
    for line in lines:
        _, codes = kept.setdefault(line.text.casefold(), (line.text, []))
        codes.extend(c for c in line.codes if c not in codes)
    return [{"text": text, "codes": codes} if codes else text for text, codes in kept.values()]
