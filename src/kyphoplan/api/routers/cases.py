"""Cases for integrations: read a case and its plan versions. (Its intake: `routers/intake.py`.)"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest
from ninja import Router, Schema

from kyphoplan.api.auth import caller_with
from kyphoplan.api.errors import ErrorOut
from kyphoplan.api.models import Scope
from kyphoplan.api.schemas_plan import PlanOut
from kyphoplan.cases.access import access_case
from kyphoplan.cases.models import Case
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
