"""Cases for integrations: read a case and its plan versions; import an EHR's lists into its intake."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from kyphoplan.api.auth import caller_with
from kyphoplan.api.errors import ApiError, ErrorOut
from kyphoplan.api.models import Scope
from kyphoplan.api.schemas_plan import PlanOut
from kyphoplan.cases import roles
from kyphoplan.cases.access import access_case
from kyphoplan.cases.models import Case
from kyphoplan.ehr_import.client import FhirFetchError
from kyphoplan.ehr_import.services import ServerNotAllowed, import_into_intake
from kyphoplan.plans.models import PlanVersion
from kyphoplan.web.net import client_ip

router = Router(tags=["cases"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class CaseOut(Schema):
    id: UUID
    reference: str
    status: str
    language: str
    levels_to_treat: list[str]
    sedation: str
    target_start: datetime | None
    created_at: datetime


class PlanVersionOut(Schema):
    number: int
    created_at: datetime
    reason: str
    signed_at: datetime | None
    ruleset_version: str
    plan: PlanOut


class ImportIn(Schema):
    base_url: str = Field(..., description="an EHR FHIR base URL listed in KYPHOPLAN_EHR_IMPORT_SERVERS")
    patient_id: str = Field(..., min_length=1, max_length=64)
    access_token: str = Field("", max_length=4096, description="sent to that server only")


class SkippedOut(Schema):
    source: str
    reason: str


class ImportOut(Schema):
    added_medications: int
    added_allergies: int
    already_there: int
    skipped: list[SkippedOut]


def _case(request: HttpRequest, case_id: UUID, what: str) -> Case:
    try:
        return access_case(request.auth.user, case_id, ip=client_ip(request), what=what)  # type: ignore[attr-defined]
    except ObjectDoesNotExist:
        raise Http404 from None


@router.get("/{case_id}", response={200: CaseOut, **ERRORS}, summary="Read a case (scope cases:read)")
def get_case(request: HttpRequest, case_id: UUID) -> Case:
    caller_with(request, Scope.CASES_READ)
    return _case(request, case_id, "api case")


@router.get("/{case_id}/plans", response={200: list[PlanVersionOut], **ERRORS},
            summary="A case's plan versions, newest first (scope cases:read)", exclude_unset=True)
def list_plans(request: HttpRequest, case_id: UUID) -> list[PlanVersion]:
    caller_with(request, Scope.CASES_READ)
    case = _case(request, case_id, "api plan versions")
    return list(PlanVersion.objects.filter(case=case).order_by("-number"))


@router.post("/{case_id}/intake/import", response={200: ImportOut, 502: ErrorOut, **ERRORS},
             summary="Import medicines and allergies from an EHR into the intake (scope intake:import)")
def import_intake(request: HttpRequest, case_id: UUID, body: ImportIn) -> Any:
    caller = caller_with(request, Scope.INTAKE_IMPORT)
    roles.require(caller.user, roles.WORK_CASES, ip=client_ip(request), what="api intake import")
    case = _case(request, case_id, "api intake import")
    try:
        return import_into_intake(caller.user, case, base_url=body.base_url, patient_id=body.patient_id,
                                  access_token=body.access_token, ip=client_ip(request), now=timezone.now())
    except ServerNotAllowed:
        raise ApiError(422, "server-not-allowed", "this FHIR server is not configured for import",
                       "base_url") from None
    except FhirFetchError as exc:
        raise ApiError(502, "ehr-unavailable", str(exc)) from None
