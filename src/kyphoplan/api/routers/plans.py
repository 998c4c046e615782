"""POST /plans/preview: the contract's facts in, the contract's plan out. Nothing is stored."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from kyphoplan.api.auth import caller_with
from kyphoplan.api.errors import ApiError, ErrorOut
from kyphoplan.api.models import Scope
from kyphoplan.api.schemas_plan import FactsIn, PlanOut
from kyphoplan.clinical.facts import FactsError, parse_facts

router = Router(tags=["plans"])


@router.post("/preview", response={200: PlanOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
             summary="Preview a preparation plan (scope plans:preview)", exclude_unset=True,
             operation_id="preview_plan")
def preview(request: HttpRequest, facts: FactsIn) -> dict[str, Any]:
    caller_with(request, Scope.PLANS_PREVIEW)
    try:
        parsed = parse_facts(facts.model_dump(exclude_none=True))
    except FactsError as error:
        raise ApiError(422, "invalid-facts", error.message, error.field) from None
    from kyphoplan.clinical.contract import plan_to_dict
    from kyphoplan.clinical.plan import build_plan

    return plan_to_dict(build_plan(parsed))
