"""Import from an EHR into a case's intake: fetch, then add the lines not already there.

Only servers named in the EHR_IMPORT_SERVERS setting are ever contacted (an API caller
must not make this server fetch arbitrary addresses). Each imported line keeps its source
URL in the intake data (`"source"`); lines already in the intake (same text) are not added
twice. The intake is saved through its own verb, with the acting user and an audit row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.cases.models import Case
from kyphoplan.ehr_import import backend
from kyphoplan.ehr_import.backend import backend_client
from kyphoplan.ehr_import.client import FhirFetchError, FhirServer
from kyphoplan.ehr_import.fetch import fetch_patient_lines
from kyphoplan.ehr_import.smart_discovery import SmartError
from kyphoplan.fhir.inbound import Skipped
from kyphoplan.intake.services import intake_for
from kyphoplan.pathway.services import save_intake


class ServerNotAllowed(ValueError):
    pass


@dataclass(frozen=True)
class ImportResult:
    added_medications: int
    added_allergies: int
    already_there: int
    skipped: list[Skipped]


def allowed_server(base_url: str) -> bool:
    base = base_url.rstrip("/")
    return any(base == allowed.rstrip("/") for allowed in settings.EHR_IMPORT_SERVERS)


def import_into_intake(
    acting_user: Any, case: Case, *, base_url: str, patient_id: str, access_token: str = "",
    ip: str | None, now: datetime,
) -> ImportResult:
    if not allowed_server(base_url):
        raise ServerNotAllowed(base_url)
    if not access_token:
        # No token from the caller: our own (SMART Backend Services) when we are registered there.
        client = backend_client(base_url)
        if client is not None:
            try:
                access_token = backend.access_token(client)
            except SmartError as exc:
                raise FhirFetchError(f"no backend access token: {exc}") from None
    fetched = fetch_patient_lines(FhirServer(base_url.rstrip("/"), access_token), patient_id)
    data = dict(intake_for(case, now).data or {})
    medicines = list(data.get("medicines", []))
    allergies = list(data.get("allergies", []))
    have = {str(m.get("text", "")).casefold() for m in medicines}
    have_allergies = {str(a.get("substance", "")).casefold() for a in allergies}
    before = len(medicines), len(allergies)
    for line in fetched.medications:
        if line.text.casefold() not in have:
            medicines.append({"text": line.text, "unsure": False, "source": line.source,
                              **({"codes": list(line.codes)} if line.codes else {})})
            have.add(line.text.casefold())
    for line in fetched.allergies:
        if line.substance.casefold() not in have_allergies:
            allergies.append({"substance": line.substance, "reaction": line.reaction, "source": line.source,
                              **({"codes": list(line.codes)} if line.codes else {})})
            have_allergies.add(line.substance.casefold())
    added = len(medicines) - before[0], len(allergies) - before[1]
    save_intake(case, {**data, "medicines": medicines, "allergies": allergies}, acting_user=acting_user,
                ip=ip, now=now)
    record(acting_user, Action.UPDATE, ip=ip, object_type="case", object_id=case.pk, at=now,
           detail={"ehr_import": base_url, "medicines": added[0], "allergies": added[1],
                   "skipped": len(fetched.skipped)})
    duplicates = len(fetched.medications) + len(fetched.allergies) - sum(added)
    return ImportResult(added[0], added[1], duplicates, fetched.skipped)
