"""GET /candidacy/{case_id}: a case's fracture grading, candidacy checklist, payer criteria and codes
(scope candidacy:read). Read through cases.access (role check, audit row); unknown case → 404."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from kyphoplan.api.auth import caller_with
from kyphoplan.api.errors import ErrorOut
from kyphoplan.api.models import Scope
from kyphoplan.candidacy.models import ChecklistSignoff
from kyphoplan.candidacy.summary import Summary, summarize
from kyphoplan.cases.access import access_case
from kyphoplan.clinical.grading import one_decimal
from kyphoplan.web.net import client_ip

router = Router(tags=["candidacy"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class LevelOut(Schema):
    level: str
    planned: bool
    anterior_mm: str
    middle_mm: str
    posterior_mm: str
    reference_mm: str
    height_loss_percent: str = Field(..., description="the largest of the three losses, one decimal")
    genant_grade: int = Field(..., description="0 < 20 %; 1 mild 20–25 %; 2 moderate > 25–40 %; 3 severe > 40 %")
    morphology: str = Field(..., description="none, wedge, biconcave or crush")
    vertebra_plana: bool
    mri_oedema: str
    retropulsion: str
    fracture_age_weeks: int | None
    pain_nrs: int | None


class ChecklistLineOut(Schema):
    id: str
    kind: str = Field(..., description="indication, absolute or relative")
    text: str
    source: str
    answer: str = Field(..., description="present, absent or not_assessed")
    from_imaging: bool
    overridden: bool


class OverrideOut(Schema):
    item: str
    reason: str
    by: str
    at: datetime


class CriterionOut(Schema):
    id: str
    text: str
    outcome: str = Field(..., description="met, not met or not documented")
    evidence: str


class PayerOut(Schema):
    id: str
    payer: str
    version: str
    overall: str
    chosen: bool = Field(..., description="the payer recorded for this case")
    criteria: list[CriterionOut]


class CodeOut(Schema):
    system: str
    code: str
    level: str | None
    display: str


class SignoffOut(Schema):
    signed_by: str
    signed_at: datetime
    plan_version: int | None


class CandidacyOut(Schema):
    case_id: UUID
    levels: list[LevelOut]
    checklist: list[ChecklistLineOut]
    booking_blocked: bool
    overrides: list[OverrideOut]
    signed: list[SignoffOut]
    payers: list[PayerOut]
    codes: list[CodeOut]
    coding_problem: str = Field(..., description="why the planned levels could not be coded, or empty")


def _out(s: Summary) -> dict[str, Any]:
    chosen = s.candidacy.payer_record if s.candidacy else ""
    codes: list[dict[str, str | None]] = [
        {"system": "CPT", "code": c.code, "level": c.level, "display": c.text} for c in s.cpt]
    if s.diagnosis:
        codes.append({"system": "ICD-10-CM", "code": s.diagnosis.code, "level": None, "display": s.diagnosis.text})
    return {
        "case_id": s.case.pk,
        "levels": [{"level": lv.row.level, "planned": lv.planned, "anterior_mm": str(lv.row.anterior_mm),
                    "middle_mm": str(lv.row.middle_mm), "posterior_mm": str(lv.row.posterior_mm),
                    "reference_mm": str(lv.row.reference_mm),
                    "height_loss_percent": one_decimal(lv.assessment.max_loss),
                    "genant_grade": int(lv.assessment.grade), "morphology": lv.assessment.morphology.value,
                    "vertebra_plana": lv.assessment.vertebra_plana, "mri_oedema": lv.row.oedema,
                    "retropulsion": lv.row.retropulsion, "fracture_age_weeks": lv.row.fracture_age_weeks,
                    "pain_nrs": lv.row.pain_nrs} for lv in s.levels],
        "checklist": [{"id": ln.item.id, "kind": ln.item.kind.value, "text": ln.item.text, "source": ln.item.source,
                       "answer": ln.answer.value, "from_imaging": ln.computed, "overridden": ln.overridden}
                      for ln in s.review.lines],
        "booking_blocked": bool(s.review.blocking),
        "overrides": [{"item": o.item_id, "reason": o.reason, "by": o.by.get_username(), "at": o.at}
                      for o in s.overrides],
        "signed": [{"signed_by": so.signed_by.get_username(), "signed_at": so.signed_at,
                    "plan_version": so.plan_version.number if so.plan_version else None}
                   for so in ChecklistSignoff.objects.filter(case=s.case).select_related("signed_by", "plan_version")],
        "payers": [{"id": p.record.id, "payer": p.record.payer, "version": p.record.version,
                    "overall": p.overall.value, "chosen": p.record.id == chosen,
                    "criteria": [{"id": r.criterion_id, "text": r.text, "outcome": r.outcome.value,
                                  "evidence": r.evidence} for r in p.results]} for p in s.payers],
        "codes": codes,
        "coding_problem": s.cpt_error,
    }


@router.get("/{case_id}", response={200: CandidacyOut, **ERRORS},
            summary="A case's grading, candidacy checklist, payer criteria and codes (scope candidacy:read)")
def get_candidacy(request: HttpRequest, case_id: UUID) -> dict[str, Any]:
    caller = caller_with(request, Scope.CANDIDACY_READ)
    try:
        case = access_case(caller.user, case_id, ip=client_ip(request), what="api candidacy")
    except ObjectDoesNotExist:
        raise Http404 from None
    return _out(summarize(case, as_of=timezone.now()))
