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

OBJECT_TYPE = "intake"


class IntakeClosed(RuntimeError):
    """The patient already submitted: changes now go through the care team."""


def intake_for(case: Case, now: datetime) -> Intake:
    intake, _ = Intake.objects.get_or_create(case=case, defaults={"updated_at": now})
    return intake


def save_answers(
    case: Case, data: dict[str, Any], *, acting_user: Any, ip: str | None, now: datetime,
) -> Intake:
    """Save as they go. A patient cannot change a submitted intake; staff can (through
    kyphoplan.pathway.save_intake, which re-plans when the facts changed)."""
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
    return intake


def submit(case: Case, *, acting_user: Any, ip: str | None, now: datetime) -> bool:
    """Close the intake and move the case to review. False if it was already submitted (by
    staff: nothing to do). The plan follows in kyphoplan.pathway.submit_intake."""
    with transaction.atomic():
        intake = Intake.objects.select_for_update().get(case=case)
        if intake.status == IntakeStatus.SUBMITTED:
            if acting_user is None:
                raise IntakeClosed
            return False
        intake.status, intake.submitted_at, intake.updated_at = IntakeStatus.SUBMITTED, now, now
        intake.save()
        record(acting_user, Action.UPDATE, ip=ip, object_type=OBJECT_TYPE, object_id=intake.pk, at=now,
               username="patient" if acting_user is None else "", detail={"submitted": True})
        advance(case, CaseStatus.REVIEW, actor=acting_user, ip=ip, now=now, why="intake submitted")
    return True
