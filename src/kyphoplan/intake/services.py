"""Saving and submitting the intake. The patient (no user) and staff use the same verbs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.cases.models import Case
from kyphoplan.cases.services import advance
from kyphoplan.cases.workflow import CaseStatus
from kyphoplan.intake.models import Intake, IntakeStatus
from kyphoplan.plans.models import PlanVersion, Reason

OBJECT_TYPE = "intake"


class IntakeClosed(RuntimeError):
    """The patient already submitted: changes now go through the care team."""


def intake_for(case: Case, now: datetime) -> Intake:
    intake, _ = Intake.objects.get_or_create(case=case, defaults={"updated_at": now})
    return intake


def save_answers(
    case: Case, data: dict[str, Any], *, acting_user: Any, ip: str | None, now: datetime,
) -> Intake:
    """Save as they go. A patient cannot change a submitted intake; staff can, and a staff
    change to a submitted intake makes a new plan version if the facts changed."""
    with transaction.atomic():
        intake = intake_for(case, now)
        intake = Intake.objects.select_for_update().get(pk=intake.pk)
        if acting_user is None and intake.status == IntakeStatus.SUBMITTED:
            raise IntakeClosed
        changed = sorted(k for k in set(data) | set(intake.data) if data.get(k) != intake.data.get(k))
        intake.data = data
        intake.updated_at = now
        intake.last_saved_by = acting_user
        if intake.status == IntakeStatus.NOT_STARTED:
            intake.status = IntakeStatus.IN_PROGRESS
        intake.save()
        record(acting_user, Action.UPDATE, ip=ip, object_type=OBJECT_TYPE, object_id=intake.pk, at=now,
               username="patient" if acting_user is None else "", detail={"case": str(case.pk), "fields": changed})
        if intake.status == IntakeStatus.SUBMITTED and acting_user is not None:
            _replan(case, actor=acting_user, ip=ip, now=now)
    return intake


def submit(case: Case, *, acting_user: Any, ip: str | None, now: datetime) -> PlanVersion | None:
    """Close the intake, move the case to review and run the engine (if it has a date)."""
    with transaction.atomic():
        intake = Intake.objects.select_for_update().get(case=case)
        if intake.status == IntakeStatus.SUBMITTED:
            if acting_user is None:
                raise IntakeClosed
            return None
        intake.status, intake.submitted_at, intake.updated_at = IntakeStatus.SUBMITTED, now, now
        intake.save()
        record(acting_user, Action.UPDATE, ip=ip, object_type=OBJECT_TYPE, object_id=intake.pk, at=now,
               username="patient" if acting_user is None else "", detail={"submitted": True})
        advance(case, CaseStatus.REVIEW, actor=acting_user, ip=ip, now=now, why="intake submitted")
        return _replan(case, actor=acting_user, ip=ip, now=now)


def _replan(case: Case, *, actor: Any, ip: str | None, now: datetime) -> PlanVersion | None:
    from kyphoplan.plans.services import PlanNotReady, recompute

    try:
        return recompute(case, actor=actor, reason=Reason.INTAKE, now=now, ip=ip)
    except PlanNotReady:
        return None  # no date yet: the plan is made when the procedure is booked
