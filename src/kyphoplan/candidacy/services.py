"""Candidacy verbs: each checks the role, writes in one transaction with its audit row, and
keeps `Candidacy.booking_blocked` (the database's booking guard) in step with the checklist.

`ensure_bookable(case)` is the single call the pathway's `book` verb makes before it books.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.booking.slots import BookingRuleError
from kyphoplan.candidacy.models import (
    Candidacy,
    CareSetting,
    ChecklistSignoff,
    ContraindicationOverride,
    Finding,
    LevelAssessment,
    Oedema,
    PayerCriteriaVersion,
)
from kyphoplan.candidacy.summary import assessment_of, summarize
from kyphoplan.cases import roles
from kyphoplan.cases.models import Case
from kyphoplan.clinical import candidacy as checklist_core
from kyphoplan.clinical import payer_criteria as payers
from kyphoplan.clinical.coding import Encounter, Osteoporosis, parse_level
from kyphoplan.clinical.grading import Heights, one_decimal
from kyphoplan.plans.models import PlanVersion
from kyphoplan.staff.roles import Role

OBJECT_TYPE = "candidacy"
ASSESS = frozenset({Role.RADIOLOGIST, Role.NURSE})
RADIOLOGIST = frozenset({Role.RADIOLOGIST})
PAYER_ADMIN = frozenset({Role.ADMIN})

FACT_FIELDS = ("payer_record", "setting", "pain_nrs", "pain_worsening", "conservative_care_weeks",
               "analgesic_weeks", "exercise_weeks", "conservative_care", "rdq", "kyphosis",
               "bone_density_referral", "osteoporosis_education", "osteoporosis_programme", "osteoporosis",
               "encounter")


class CandidacyError(ValueError):
    """Input the verb refuses; the message is for the user."""


def _row(case: Case, actor: Any, now: datetime) -> Candidacy:
    row, _ = Candidacy.objects.select_for_update().get_or_create(
        case=case, defaults={"updated_at": now, "updated_by": actor})
    return row


def _refresh_gate(case: Case, row: Candidacy, *, now: datetime) -> None:
    blocked = bool(summarize(case, as_of=now).review.blocking)
    if blocked != row.booking_blocked:
        Candidacy.objects.filter(pk=row.pk).update(booking_blocked=blocked)
        row.booking_blocked = blocked


def _lock(case: Case) -> Case:
    # The booking service locks the case row too: a checklist change and a booking serialise.
    return Case.objects.select_for_update().get(pk=case.pk)


def do_record_level(
    acting_user: Any, case: Case, *, level: str, anterior: Decimal, middle: Decimal, posterior: Decimal,
    reference: Decimal, oedema: Oedema, retropulsion: Finding, fracture_age_weeks: int | None,
    pain_nrs: int | None, ip: str | None, now: datetime, above_reference_confirmed: bool = False,
) -> LevelAssessment:
    """Record (or correct) one level's imaging; the grade is computed from the heights. A height
    above the reference is usually a typing slip (or the wrong reference): it is saved only when
    the user confirms it."""
    roles.require(acting_user, ASSESS, ip=ip, what="record imaging heights")
    name = parse_level(level).name
    heights = Heights.of(anterior, middle, posterior, reference)
    above = above_reference(anterior=anterior, middle=middle, posterior=posterior, reference=reference)
    if above and not above_reference_confirmed:
        raise CandidacyError(f"{' and '.join(above)} height above the reference height ({reference} mm): check "
                             "the entry, or confirm that the heights above the reference are correct")
    if pain_nrs is not None and not 0 <= pain_nrs <= 10:
        raise CandidacyError("pain is 0 to 10")
    with transaction.atomic():
        locked = _lock(case)
        values = {"anterior_mm": anterior, "middle_mm": middle, "posterior_mm": posterior,
                  "reference_mm": reference, "oedema": Oedema(oedema), "retropulsion": Finding(retropulsion),
                  "fracture_age_weeks": fracture_age_weeks, "pain_nrs": pain_nrs,
                  "recorded_at": now, "recorded_by": acting_user}
        row, created = LevelAssessment.objects.update_or_create(
            case=locked, level=name, defaults={**values, "grade": 0, "morphology": "", "max_loss_percent": 0,
                                               "vertebra_plana": False})
        a = assessment_of(row)
        row.grade, row.morphology = int(a.grade), a.morphology.value
        row.max_loss_percent, row.vertebra_plana = Decimal(one_decimal(a.max_loss)), a.vertebra_plana
        row.save(update_fields=["grade", "morphology", "max_loss_percent", "vertebra_plana"])
        record(acting_user, Action.CREATE if created else Action.UPDATE, ip=ip, object_type=OBJECT_TYPE,
               object_id=locked.pk, at=now,
               detail={"level": name, "heights": [str(h) for h in (heights.anterior, heights.middle,
                                                                    heights.posterior, heights.reference)],
                       "grade": int(a.grade), "morphology": a.morphology.value, "oedema": oedema})
        _refresh_gate(locked, _row(locked, acting_user, now), now=now)
    return row


def above_reference(*, anterior: Decimal, middle: Decimal, posterior: Decimal, reference: Decimal) -> list[str]:
    """The measured heights (by name) that are above the reference height."""
    return [name for name, value in (("anterior", anterior), ("middle", middle), ("posterior", posterior))
            if value > reference]


def do_update_facts(acting_user: Any, case: Case, *, values: Mapping[str, Any], ip: str | None,
                    now: datetime) -> Candidacy:
    """The payer facts, the conservative-care history and the coding choices."""
    roles.require(acting_user, ASSESS | roles.WORK_CASES, ip=ip, what="candidacy facts")
    unknown = set(values) - set(FACT_FIELDS)
    if unknown:
        raise CandidacyError(f"unknown fields: {', '.join(sorted(unknown))}")
    if values.get("payer_record") and values["payer_record"] not in payers.shipped_records():
        raise CandidacyError("unknown payer")
    if values.get("setting"):
        CareSetting(values["setting"])
    Osteoporosis(values.get("osteoporosis", Osteoporosis.AGE_RELATED))
    Encounter(values.get("encounter", Encounter.INITIAL))
    with transaction.atomic():
        locked = _lock(case)
        row = _row(locked, acting_user, now)
        changed = {k: [str(getattr(row, k)), str(v)] for k, v in values.items() if getattr(row, k) != v}
        for k, v in values.items():
            setattr(row, k, v)
        row.updated_at, row.updated_by = now, acting_user
        row.full_clean(exclude=["case", "updated_by", "answers"])
        row.save()
        record(acting_user, Action.UPDATE, ip=ip, object_type=OBJECT_TYPE, object_id=locked.pk, at=now,
               detail={"facts": changed})
        _refresh_gate(locked, row, now=now)
    return row


def do_answer_checklist(acting_user: Any, case: Case, *, answers: Mapping[str, str], ip: str | None,
                        now: datetime) -> Candidacy:
    roles.require(acting_user, ASSESS, ip=ip, what="candidacy checklist")
    known = {i.id for i in checklist_core.checklist().items}
    if set(answers) - known:
        raise CandidacyError(f"unknown checklist items: {', '.join(sorted(set(answers) - known))}")
    clean = {k: checklist_core.Answer(v).value for k, v in answers.items()}
    with transaction.atomic():
        locked = _lock(case)
        row = _row(locked, acting_user, now)
        before = dict(row.answers or {})
        row.answers = {**before, **clean}
        row.updated_at, row.updated_by = now, acting_user
        row.save(update_fields=["answers", "updated_at", "updated_by"])
        record(acting_user, Action.UPDATE, ip=ip, object_type=OBJECT_TYPE, object_id=locked.pk, at=now,
               detail={"checklist": {k: [before.get(k), v] for k, v in clean.items() if before.get(k) != v}})
        _refresh_gate(locked, row, now=now)
    return row


def do_override(acting_user: Any, case: Case, *, item_id: str, reason: str, ip: str | None,
                now: datetime) -> ContraindicationOverride:
    """A radiologist proceeds despite an absolute contraindication, with a reason."""
    roles.require(acting_user, RADIOLOGIST, ip=ip, what="override contraindication")
    reason = (reason or "").strip()
    if not reason:
        raise CandidacyError("an override needs a reason")
    with transaction.atomic():
        locked = _lock(case)
        line = next((ln for ln in summarize(locked, as_of=now).review.blocking if ln.item.id == item_id), None)
        if line is None:
            raise CandidacyError("only an absolute contraindication that is present can be overridden")
        override = ContraindicationOverride.objects.create(case=locked, item_id=item_id, reason=reason,
                                                           by=acting_user, at=now)
        record(acting_user, Action.UPDATE, ip=ip, object_type=OBJECT_TYPE, object_id=locked.pk, at=now,
               detail={"override": item_id, "reason": reason})
        _refresh_gate(locked, _row(locked, acting_user, now), now=now)
    return override


def snapshot(case: Case, *, now: datetime) -> dict[str, Any]:
    s = summarize(case, as_of=now)
    return {
        "checklist": [{"id": ln.item.id, "kind": ln.item.kind.value, "text": ln.item.text,
                       "source": ln.item.source, "answer": ln.answer.value, "computed": ln.computed,
                       "overridden": ln.overridden} for ln in s.review.lines],
        "overrides": [{"item": o.item_id, "reason": o.reason, "by": o.by.get_username(), "at": o.at.isoformat()}
                      for o in s.overrides],
        "levels": [{"level": lv.row.level, "planned": lv.planned, "grade": int(lv.assessment.grade),
                    "morphology": lv.assessment.morphology.value,
                    "max_loss_percent": one_decimal(lv.assessment.max_loss),
                    "vertebra_plana": lv.assessment.vertebra_plana, "oedema": lv.row.oedema,
                    "retropulsion": lv.row.retropulsion} for lv in s.levels],
        "cpt": [{"code": c.code, "level": c.level} for c in s.cpt],
        "icd10": s.diagnosis.code if s.diagnosis else None,
        "payers": {p.record.id: {"version": p.record.version, "overall": p.overall.value,
                                 "criteria": {r.criterion_id: r.outcome.value for r in p.results}}
                   for p in s.payers},
        "blocked": bool(s.review.blocking),
    }


def do_sign_checklist(acting_user: Any, case: Case, *, ip: str | None, now: datetime) -> ChecklistSignoff:
    """The radiologist signs the checklist as it stands; it is kept with the current plan version."""
    roles.require(acting_user, RADIOLOGIST, ip=ip, what="sign candidacy checklist")
    with transaction.atomic():
        locked = _lock(case)
        review = summarize(locked, as_of=now).review
        if not review.signable:
            names = ", ".join(ln.item.id for ln in review.unassessed)
            raise CandidacyError(f"answer every item before signing (not assessed: {names})")
        version = PlanVersion.objects.filter(case=locked).order_by("-number").first()
        signoff = ChecklistSignoff.objects.create(
            case=locked, plan_version=version, checklist_version=checklist_core.checklist().version,
            snapshot=snapshot(locked, now=now), signed_by=acting_user, signed_at=now)
        record(acting_user, Action.UPDATE, ip=ip, object_type=OBJECT_TYPE, object_id=locked.pk, at=now,
               detail={"checklist_signed": signoff.pk, "plan_version": version.number if version else None})
    return signoff


def do_change_payer_criteria(acting_user: Any, *, record_id: str, raw: Mapping[str, Any], reason: str,
                             ip: str | None, now: datetime) -> PayerCriteriaVersion:
    """A new version of one payer's criteria (practice admin, with a reason)."""
    if not roles.has_role(acting_user, PAYER_ADMIN):
        record(acting_user, Action.DENIED, ip=ip, object_type="payercriteria", detail={"tried": record_id})
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise CandidacyError("a reason is required")
    if record_id not in payers.shipped_records():
        raise CandidacyError("unknown payer record")
    document = copy.deepcopy(dict(raw))
    try:
        parsed = payers.parse_record(document)
    except payers.PayerCriteriaError as exc:
        raise CandidacyError(str(exc)) from None
    if parsed.id != record_id:
        raise CandidacyError("the record's id cannot change")
    with transaction.atomic():
        row = PayerCriteriaVersion.objects.create(record_id=record_id, record=document, reason=reason,
                                                  changed_by=acting_user, changed_at=now)
        record(acting_user, Action.UPDATE, ip=ip, object_type="payercriteria", object_id=row.pk, at=now,
               detail={"record": record_id, "version": parsed.version, "reason": reason})
    return row


def ensure_bookable(case: Case) -> None:
    """The pathway's book verb calls this first, inside its transaction: it locks the case row
    (as the verbs above do) so a checklist change and a booking cannot interleave."""
    locked = _lock(case)
    if Candidacy.objects.filter(case_id=locked.pk, booking_blocked=True).exists():
        raise BookingRuleError("an absolute contraindication is recorded on the candidacy checklist: "
                               "a radiologist must record an override with a reason first")
