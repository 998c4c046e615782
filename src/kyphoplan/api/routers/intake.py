"""A case's intake for integrations: read the answers (scope intake:read); import an EHR's
medicine and allergy lists into them (scope intake:import). Mounted under /cases."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from kyphoplan.api import access
from kyphoplan.api.auth import caller_with
from kyphoplan.api.errors import ApiError, ErrorOut
from kyphoplan.api.models import Scope
from kyphoplan.api.routers.pathway import PlanStatus, plan_status
from kyphoplan.api.schemas_plan import IndicationIn
from kyphoplan.cases import roles
from kyphoplan.cases.access import access_case
from kyphoplan.cases.models import Case
from kyphoplan.ehr_import.client import FhirFetchError
from kyphoplan.ehr_import.services import ServerNotAllowed, import_into_intake
from kyphoplan.intake.models import Intake, IntakeStatus
from kyphoplan.intake.services import IntakeClosed
from kyphoplan.pathway import services as pathway
from kyphoplan.plans.engine import recognize_line
from kyphoplan.web.net import client_ip

router = Router(tags=["intake"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
MAX_LINES = 100  # medicines or allergies in one intake: a real list is far shorter

Diabetes = Literal["none", "type1", "type2", "other", "unknown"]
Kidney = Literal["no", "yes", "dialysis", "unknown"]


class RecognitionOut(Schema):
    recognized: bool
    ingredients: list[str]
    classes: list[str]
    brand: str | None = Field(..., description="the brand name the line used, if any")


class MedicineLineOut(Schema):
    text: str = Field(..., description="as the patient (or the EHR) wrote it")
    unsure: bool = Field(..., description="the patient is not sure what this medicine is")
    source: str | None = Field(..., description="the EHR resource it was imported from; null when typed in")
    recognition: RecognitionOut = Field(..., description="what the engine makes of the line")


class AllergyLineOut(Schema):
    substance: str
    reaction: str
    source: str | None


class IntakeOut(Schema):
    case_id: UUID
    status: IntakeStatus
    updated_at: datetime | None
    submitted_at: datetime | None
    medicines: list[MedicineLineOut]
    allergies: list[AllergyLineOut]
    diabetes: Diabetes
    insulin: bool | None
    kidney: Kidney = Field(..., description="kidney disease")
    smoker: bool | None
    has_escort: bool | None = Field(..., description="an adult takes the patient home and stays that day")
    escort_name: str
    weight_kg: float | None
    height_cm: float | None


class ImportIn(Schema):
    base_url: str = Field(..., description="an EHR FHIR base URL listed in KYPHOPLAN_EHR_IMPORT_SERVERS")
    patient_id: str = Field(..., min_length=1, max_length=64)
    access_token: str = Field("", max_length=4096, description=(
        "sent to that server only; empty: kyphoplan's own SMART Backend Services token when it is registered there"))


class SkippedOut(Schema):
    source: str
    reason: str


class ImportOut(Schema):
    added_medications: int
    added_allergies: int
    already_there: int
    skipped: list[SkippedOut]


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _recognition(text: str, codes: Any = ()) -> dict[str, Any]:
    found = recognize_line(text, codes)
    return {"recognized": found["recognized"], "ingredients": found["ingredients"], "classes": found["classes"],
            "brand": found["brand"] or None}


def _out(case: Case, intake: Intake | None) -> dict[str, Any]:
    """The stored answers, read defensively: an answer left out (or of an odd shape) is null."""
    data: dict[str, Any] = (intake.data if intake is not None else None) or {}
    medicines = [m for m in data.get("medicines", []) if isinstance(m, dict) and _text(m.get("text"))]
    allergies = [a for a in data.get("allergies", []) if isinstance(a, dict) and _text(a.get("substance"))]
    diabetes, kidney = data.get("diabetes"), data.get("kidney")
    return {
        "case_id": case.pk,
        "status": intake.status if intake is not None else IntakeStatus.NOT_STARTED,
        "updated_at": intake.updated_at if intake is not None else None,
        "submitted_at": intake.submitted_at if intake is not None else None,
        "medicines": [{"text": _text(m["text"]), "unsure": bool(m.get("unsure")),
                       "source": _text(m.get("source")) or None, "recognition": _recognition(m["text"], m.get("codes"))}
                      for m in medicines],
        "allergies": [{"substance": _text(a["substance"]), "reaction": _text(a.get("reaction")),
                       "source": _text(a.get("source")) or None} for a in allergies],
        "diabetes": diabetes if diabetes in ("none", "type1", "type2", "other") else "unknown",
        "insulin": _bool(data.get("insulin")),
        "kidney": kidney if kidney in ("no", "yes", "dialysis") else "unknown",
        "smoker": _bool(data.get("smoker")),
        "has_escort": _bool(data.get("has_escort")),
        "escort_name": _text(data.get("escort_name")),
        "weight_kg": _number(data.get("weight_kg")),
        "height_cm": _number(data.get("height_cm")),
    }


@router.get("/{case_id}/intake", response={200: IntakeOut, **ERRORS},
            summary="A case's intake answers, with what the engine recognises (scope intake:read)")
def get_intake(request: HttpRequest, case_id: UUID) -> dict[str, Any]:
    caller = caller_with(request, Scope.INTAKE_READ)
    try:
        case, intake = access.access_intake(caller, case_id, ip=client_ip(request), via="api")
    except ObjectDoesNotExist:
        raise Http404 from None
    return _out(case, intake)


@router.post("/{case_id}/intake/import", response={200: ImportOut, 502: ErrorOut, **ERRORS},
             summary="Import medicines and allergies from an EHR into the intake (scope intake:import)")
def import_intake(request: HttpRequest, case_id: UUID, body: ImportIn) -> Any:
    caller = caller_with(request, Scope.INTAKE_IMPORT)
    ip = client_ip(request)
    roles.require(caller.user, roles.WORK_CASES, ip=ip, what="api intake import")
    try:
        case = access_case(caller.user, case_id, ip=ip, what="api intake import")
    except ObjectDoesNotExist:
        raise Http404 from None
    try:
        return import_into_intake(caller.user, case, base_url=body.base_url, patient_id=body.patient_id,
                                  access_token=body.access_token, ip=ip, now=timezone.now())
    except ServerNotAllowed:
        raise ApiError(422, "server-not-allowed", "this FHIR server is not configured for import",
                       "base_url") from None
    except FhirFetchError as exc:
        raise ApiError(502, "ehr-unavailable", str(exc)) from None


class IntakeIn(Schema):
    medications: list[str] = Field(default_factory=list, max_length=MAX_LINES)
    allergies: list[str] = Field(default_factory=list, max_length=MAX_LINES)
    diabetes: Literal["none", "type1", "type2", "other", "unknown"] = "unknown"
    weight_kg: float | None = Field(None, gt=0, lt=500)
    smoker: bool | None = None
    indications: list[IndicationIn] = Field(default_factory=list, max_length=20)


@router.put("/{case_id}/intake", response={200: PlanStatus, 409: ErrorOut, **ERRORS},
            summary="Replace a case's intake and re-plan (scope intake:write)")
def put_intake(request: HttpRequest, case_id: UUID, body: IntakeIn) -> PlanStatus:
    caller = caller_with(request, Scope.INTAKE_WRITE)
    try:
        case = access_case(caller.user, case_id, ip=client_ip(request), what="api intake write")
    except ObjectDoesNotExist:
        raise Http404 from None
    data: dict[str, Any] = {
        "medicines": [{"text": m.strip()[:300], "unsure": False} for m in body.medications if m.strip()],
        "allergies": [{"substance": a.strip()[:300], "reaction": ""} for a in body.allergies if a.strip()],
        "diabetes": body.diabetes, "smoker": body.smoker, "weight_kg": body.weight_kg,
        "indications": [item.model_dump(exclude_none=True) for item in body.indications],
    }
    try:
        outcome = pathway.replace_intake(caller.user, case, data, ip=client_ip(request), now=timezone.now())
    except IntakeClosed:
        raise ApiError(409, "intake-closed", "the intake is closed") from None
    return plan_status(case, outcome)
