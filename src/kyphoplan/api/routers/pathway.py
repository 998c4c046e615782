"""The pathway over REST (shared/clinical/plan-contract.md, "The pathway over REST"): open a
case, put its intake and labs, read, override and sign its plan, and read exactly what the
patient is shown. Every write is a pathway verb acting as the token's owner, whose role
decides what is allowed, exactly as in the console."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from kyphoplan.api.auth import caller_with
from kyphoplan.api.errors import ApiError, ErrorOut
from kyphoplan.api.models import Scope
from kyphoplan.callbacks.forms import to_e164
from kyphoplan.cases.access import access_case
from kyphoplan.cases.models import Case
from kyphoplan.cases.services import CaseDetails
from kyphoplan.pathway import services as pathway
from kyphoplan.pathway.patient_view import PatientViewMissing, patient_view
from kyphoplan.plans import services as plan_services
from kyphoplan.plans.models import ImmutableError, OverlayKind, PlanVersion
from kyphoplan.web.env import env_str
from kyphoplan.web.net import client_ip

router = Router(tags=["pathway"])
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
_LEVEL = re.compile(r"^(C[1-7]|T(1[0-2]|[1-9])|L[1-5]|S1)$")


class PatientIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    birth_date: date | None = None
    sex: Literal["female", "male", "other", "unknown"] = "unknown"
    language: Literal["en", "es"] = "en"
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=254)


class ProcedureIn(Schema):
    levels: list[str] = Field(default_factory=list, max_length=10)
    sedation: Literal["moderate", "deep", "general", "local"] = "moderate"
    start: datetime | None = None


class CaseIn(Schema):
    patient: PatientIn
    procedure: ProcedureIn = Field(default_factory=ProcedureIn)


class CaseCreated(Schema):
    id: UUID
    reference: str
    status: str
    language: str


class LabsIn(Schema):
    egfr: float | None = Field(None, ge=0, le=200)
    creatinine_clearance: float | None = Field(None, ge=0, le=300)
    serum_creatinine_mg_dl: float | None = Field(None, gt=0, le=30)
    inr: float | None = Field(None, gt=0, le=20)
    platelets_10e9_per_l: float | None = Field(None, ge=0, le=2000)


class PlanStatus(Schema):
    version: int | None
    signed: bool
    not_ready: str = ""


class TargetIn(Schema):
    code: str = Field(min_length=1, max_length=40)
    drug: str | None = Field(None, max_length=100)
    occurrence: int | None = Field(None, ge=0, le=100)


class OverrideIn(Schema):
    target: TargetIn | None = None
    kind: Literal["replace", "remove", "add"]
    text: dict[Literal["en", "es"], str] = Field(default_factory=dict)
    due: datetime | None = None
    reason: str = Field(min_length=1, max_length=500)


class OverrideOut(Schema):
    id: int
    target: dict[str, Any] | None
    kind: str
    text: dict[str, str]
    due: datetime | None
    reason: str
    by: str
    applies: bool
    carried_from: int | None


class PlanOut(Schema):
    version: int
    signed: bool
    signed_at: datetime | None
    plan: dict[str, Any]
    overrides: list[OverrideOut]
    open_high_flags: list[dict[str, str]]


class FlagRef(Schema):
    code: str = Field(min_length=1, max_length=60)
    drug: str | None = Field(None, max_length=200)
    note: str = Field("", max_length=500)


class SignIn(Schema):
    version: int = Field(ge=1)
    acknowledged_flags: list[FlagRef] = Field(default_factory=list, max_length=100)


class SignedOut(Schema):
    version: int
    signed_at: datetime
    reminders: int


class AmendIn(Schema):
    reason: str = Field(min_length=1, max_length=500)


def _case(request: HttpRequest, case_id: UUID, what: str) -> Case:
    try:
        return access_case(request.auth.user, case_id, ip=client_ip(request), what=what)  # type: ignore[attr-defined]
    except ObjectDoesNotExist:
        raise Http404 from None


def _user(request: HttpRequest) -> Any:
    return request.auth.user  # type: ignore[attr-defined]


def plan_status(case: Case, outcome: pathway.Outcome) -> PlanStatus:
    newest = plan_services.latest(case)
    return PlanStatus(version=newest.number if newest else None, signed=bool(newest and newest.signed),
                      not_ready=outcome.not_ready)


@router.post("", response={201: CaseCreated, **ERRORS}, summary="Open a case (scope cases:write)")
def open_case(request: HttpRequest, body: CaseIn) -> tuple[int, Case]:
    caller_with(request, Scope.CASES_WRITE)
    phone = ""
    if body.patient.phone.strip():
        phone = to_e164(body.patient.phone, env_str("KYPHOPLAN_PHONE_REGION", "US")) or ""
        if not phone:
            raise ApiError(422, "invalid", "not a valid phone number (or it has an extension, which cannot be dialled)", "patient.phone")
    levels = tuple(lv.strip().upper() for lv in body.procedure.levels)
    bad = [lv for lv in levels if not _LEVEL.match(lv)]
    if bad or len(set(levels)) != len(levels):
        raise ApiError(422, "invalid", f"levels must be distinct vertebrae such as T12, L1 (got {bad or 'a repeat'})",
                       "procedure.levels")
    start = body.procedure.start
    if start is not None and start.tzinfo is None:
        raise ApiError(422, "invalid", "start needs a UTC offset", "procedure.start")
    details = CaseDetails(
        patient_name=body.patient.name.strip(), phone_e164=phone, email=body.patient.email.strip(),
        language=body.patient.language, birth_date=body.patient.birth_date, sex=body.patient.sex,
        levels_to_treat=levels, sedation=body.procedure.sedation, target_start=start,
        email_reminders=bool(body.patient.email.strip()), sms_reminders=bool(phone),
    )
    case = pathway.open_case(_user(request), details, ip=client_ip(request), now=timezone.now())
    return 201, case


@router.put("/{case_id}/labs", response={200: PlanStatus, **ERRORS}, summary="Set a case's labs and re-plan (scope cases:write)")
def put_labs(request: HttpRequest, case_id: UUID, body: LabsIn) -> PlanStatus:
    caller_with(request, Scope.CASES_WRITE)
    case = _case(request, case_id, "api labs")
    labs = {k: v for k, v in body.model_dump().items() if v is not None}
    outcome = pathway.set_labs(_user(request), case, labs, ip=client_ip(request), now=timezone.now())
    return plan_status(case, outcome)


def _overrides(version: PlanVersion) -> list[dict[str, Any]]:
    out = []
    for row in plan_services.override_rows(version):
        target = None
        if row.target_code:
            target = {"code": row.target_code, "drug": row.target_drug or None, "occurrence": row.target_occurrence}
        texts = dict(row.texts) or ({"en": row.text} if row.text else {})
        out.append({"id": row.pk, "target": target, "kind": "replace" if row.kind == OverlayKind.CHANGE else row.kind,
                    "text": texts, "due": row.due, "reason": row.reason, "by": row.by.get_username(),
                    "applies": row.applies, "carried_from": row.carried_from_id})
    return out


def _plan(version: PlanVersion) -> dict[str, Any]:
    return {"version": version.number, "signed": version.signed, "signed_at": version.signed_at,
            "plan": version.plan, "overrides": _overrides(version),
            "open_high_flags": [] if version.signed else plan_services.open_high_flags(version)}


def _latest(case: Case) -> PlanVersion:
    version = plan_services.latest(case)
    if version is None:
        raise ApiError(404, "no-plan", "the case has no plan yet (it needs an intake and a date)")
    return version


@router.get("/{case_id}/plan", response={200: PlanOut, **ERRORS}, summary="The latest plan version (scope plans:read)")
def get_plan(request: HttpRequest, case_id: UUID) -> dict[str, Any]:
    caller_with(request, Scope.PLANS_READ)
    return _plan(_latest(_case(request, case_id, "api plan")))


@router.post("/{case_id}/plan/overrides", response={201: OverrideOut, **ERRORS},
             summary="A clinician change to the latest unsigned version (scope plans:write)")
def post_override(request: HttpRequest, case_id: UUID, body: OverrideIn) -> tuple[int, dict[str, Any]]:
    caller_with(request, Scope.PLANS_WRITE)
    case = _case(request, case_id, "api plan override")
    version = _latest(case)
    if body.kind != "add" and body.target is None:
        raise ApiError(422, "invalid", "replace and remove name the line they change", "target")
    due = body.due
    if due is not None and due.tzinfo is None:
        raise ApiError(422, "invalid", "due needs a UTC offset", "due")
    try:
        row = pathway.add_override(
            _user(request), version, kind=OverlayKind(body.kind), code=body.target.code if body.target else "",
            drug=body.target.drug if body.target else None, occurrence=body.target.occurrence if body.target else None,
            texts={lang: text for lang, text in body.text.items()}, due=due, reason=body.reason,
            ip=client_ip(request), now=timezone.now())
    except ImmutableError as exc:
        raise ApiError(409, "signed", str(exc)) from None
    except ValueError as exc:
        raise ApiError(422, "invalid", str(exc), "target" if body.target else "text") from None
    return 201, next(o for o in _overrides(version) if o["id"] == row.pk)


@router.post("/{case_id}/plan/sign", response={200: SignedOut, **ERRORS},
             summary="Sign a version; every high flag must be acknowledged (scope plans:sign)")
def post_sign(request: HttpRequest, case_id: UUID, body: SignIn) -> dict[str, Any]:
    caller_with(request, Scope.PLANS_SIGN)
    case = _case(request, case_id, "api plan sign")
    version = case.plan_versions.filter(number=body.version).first()
    if version is None:
        raise ApiError(404, "not-found", f"no version {body.version}", "version")
    acks = [plan_services.Acknowledgement(a.code, a.drug or "", a.note) for a in body.acknowledged_flags]
    try:
        reminders = pathway.sign(_user(request), version, acknowledged=acks, ip=client_ip(request), now=timezone.now())
    except plan_services.FlagsNotAcknowledged as exc:
        left = "; ".join(f"{f['code']} {f['drug']}".strip() for f in exc.left)
        raise ApiError(409, "flags-not-acknowledged", f"acknowledge every high flag: {left}",
                       "acknowledged_flags") from None
    except plan_services.NeedsRadiologist as exc:
        raise ApiError(403, "needs-radiologist", str(exc), "version") from None
    except ImmutableError as exc:
        raise ApiError(409, "not-signable", str(exc), "version") from None
    version.refresh_from_db()
    assert version.signed_at is not None
    return {"version": version.number, "signed_at": version.signed_at, "reminders": len(reminders)}


@router.post("/{case_id}/plan/amend", response={201: PlanStatus, **ERRORS},
             summary="A new version of the signed plan, with a reason (scope plans:write)")
def post_amend(request: HttpRequest, case_id: UUID, body: AmendIn) -> tuple[int, PlanStatus]:
    caller_with(request, Scope.PLANS_WRITE)
    case = _case(request, case_id, "api plan amend")
    try:
        version = pathway.amend(_user(request), case, reason=body.reason, ip=client_ip(request), now=timezone.now())
    except ImmutableError as exc:
        raise ApiError(409, "not-signed", str(exc)) from None
    return 201, PlanStatus(version=version.number, signed=False)


@router.get("/{case_id}/patient-plan", response={200: dict[str, Any], **ERRORS},
            summary="Exactly what the patient is shown now (scope plans:read)")
def get_patient_plan(request: HttpRequest, case_id: UUID) -> dict[str, Any]:
    caller_with(request, Scope.PLANS_READ)
    case = _case(request, case_id, "api patient plan")
    try:
        return patient_view(case, now=timezone.now())
    except PatientViewMissing as exc:
        raise ApiError(404, "not-signed", str(exc)) from None
