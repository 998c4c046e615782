"""FHIR views of the patient pathway (cases, intake, plan versions, bookings).

A case is the FHIR Patient (id = case id). Every read goes through `cases.access.access_case`,
which checks the role of the token's owner and writes the audit row, before anything
about the case is read. Searches take `patient=<case id>` (or `identifier=<reference>`
for Patient).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse

from kyphoplan.api.tokens import Caller
from kyphoplan.booking.models import Booking
from kyphoplan.cases.access import access_case
from kyphoplan.cases.models import Case
from kyphoplan.fhir.careplan import careplan
from kyphoplan.fhir.http import bundle, outcome, respond
from kyphoplan.fhir.questionnaire import questionnaire_response
from kyphoplan.fhir.resources import allergy_intolerance, appointment, instant, medication_statement, patient
from kyphoplan.fhir.search_params import SearchError, narrow, parse_search
from kyphoplan.fhir.versions import stamp
from kyphoplan.intake.models import Intake
from kyphoplan.plans.models import PlanVersion
from kyphoplan.plans.services import lines_for
from kyphoplan.web.net import client_ip

Builder = Callable[[Case], list[dict[str, Any]]]


def _open(caller: Caller, request: HttpRequest, case_id: uuid.UUID, kind: str) -> Case:
    return access_case(caller.user, case_id, ip=client_ip(request), what=f"fhir {kind}")


def _patient(case: Case) -> list[dict[str, Any]]:
    return [patient({"id": case.pk, "reference": case.reference, "name": case.patient_name,
                     "birth_date": case.birth_date, "sex": case.sex, "phone": case.phone_e164,
                     "email": case.email, "language": case.language})]


def _appointments(case: Case) -> list[dict[str, Any]]:
    return [appointment({"id": b.pk, "case_id": case.pk, "status": b.status, "start": b.start, "end": b.end,
                         "room": b.room.name, "levels": b.levels, "planned_levels": tuple(case.levels_to_treat)})
            for b in Booking.objects.filter(case=case).select_related("room").order_by("start")]


def _careplan(version: PlanVersion, *, superseded: bool = False) -> dict[str, Any]:
    # The plan the patient follows: the engine's actions with the clinician's overrides applied,
    # once signed read as the decision (the same lines as the plan page, PDF and reminders).
    actions = [{"code": line.code, "drug": line.drug, "due": instant(line.due) if line.due else None,
                "text": line.text + (f" (changed by {line.by}: {line.reason})" if line.edited else ""),
                "rule": line.rule, "source": line.source}
               for line in lines_for(version, version.case.language)]
    return careplan({"id": version.pk, "case_id": version.case_id, "number": version.number,
                     "created_at": instant(version.created_at),
                     "signed_at": instant(version.signed_at) if version.signed_at else None,
                     "status": "revoked" if superseded else None,
                     "plan": {**version.plan, "actions": actions}})


def _careplans(case: Case) -> list[dict[str, Any]]:
    versions = list(PlanVersion.objects.filter(case=case).select_related("case").order_by("number"))
    last_signed = max((v.number for v in versions if v.signed), default=0)
    return [_careplan(v, superseded=v.signed and v.number < last_signed) for v in versions]


def _intake(case: Case) -> Intake | None:
    return Intake.objects.filter(case=case).first()


def _responses(case: Case) -> list[dict[str, Any]]:
    intake = _intake(case)
    if intake is None:
        return []
    return [questionnaire_response({"id": intake.pk, "case_id": case.pk, "status": intake.status,
                                    "updated_at": instant(intake.updated_at),
                                    "submitted_at": instant(intake.submitted_at) if intake.submitted_at else None,
                                    "data": intake.data})]


def _medications(case: Case) -> list[dict[str, Any]]:
    intake = _intake(case)
    lines = (intake.data or {}).get("medicines", []) if intake else []
    return [medication_statement(str(case.pk), i, m) for i, m in enumerate(lines) if str(m.get("text", "")).strip()]


def _allergies(case: Case) -> list[dict[str, Any]]:
    intake = _intake(case)
    lines = (intake.data or {}).get("allergies", []) if intake else []
    return [allergy_intolerance(str(case.pk), i, a) for i, a in enumerate(lines)
            if str(a.get("substance", "")).strip()]


BUILDERS: dict[str, Builder] = {
    "Patient": _patient, "Appointment": _appointments, "CarePlan": _careplans,
    "QuestionnaireResponse": _responses, "MedicationStatement": _medications, "AllergyIntolerance": _allergies,
}


def _case_of(kind: str, rid: str) -> uuid.UUID:
    """The case a resource id belongs to (before any audited read)."""
    if kind == "Patient":
        return uuid.UUID(rid)
    if kind in ("MedicationStatement", "AllergyIntolerance"):
        return uuid.UUID(rid.rsplit("-", 1)[0])
    if kind == "Appointment":
        return Booking.objects.values_list("case_id", flat=True).get(pk=int(rid))
    if kind == "CarePlan":
        return PlanVersion.objects.values_list("case_id", flat=True).get(pk=int(rid))
    if kind == "QuestionnaireResponse":
        return Intake.objects.values_list("case_id", flat=True).get(pk=int(rid))
    raise KeyError(kind)


def read(kind: str) -> Callable[[Caller, HttpRequest, str], HttpResponse]:
    def handler(caller: Caller, request: HttpRequest, rid: str) -> HttpResponse:
        try:
            case = _open(caller, request, _case_of(kind, rid), kind)
        except (ValueError, ObjectDoesNotExist):
            return outcome(404, "not-found", f"{kind}/{rid} is not known")
        found = next((r for r in stamp(kind, BUILDERS[kind](case)) if r["id"] == rid), None)
        return respond(found) if found else outcome(404, "not-found", f"{kind}/{rid} is not known")

    return handler


def search(kind: str) -> Callable[[Caller, HttpRequest], HttpResponse]:
    def handler(caller: Caller, request: HttpRequest) -> HttpResponse:
        try:
            params = parse_search(kind, request.GET)
        except SearchError as exc:
            return outcome(400, "not-supported", str(exc))
        try:
            if params.identifier is not None:
                case_id = Case.objects.values_list("pk", flat=True).get(reference=params.identifier)
            else:
                case_id = uuid.UUID(params.patient)
            case = _open(caller, request, case_id, kind)
        except (ValueError, ObjectDoesNotExist):
            return respond(bundle(kind, [], 0, request))
        found = narrow(kind, stamp(kind, BUILDERS[kind](case)), params)
        page = found[params.offset:params.offset + params.count]
        return respond(bundle(kind, page, len(found), request, params.offset, params.count))

    return handler


READ = {kind: read(kind) for kind in BUILDERS}
SEARCH = {kind: search(kind) for kind in BUILDERS}
