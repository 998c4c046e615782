"""Staff verbs on follow-up: complications, alerts, calls, patients' free-text messages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.cases import roles
from kyphoplan.cases.models import Case
from kyphoplan.followup import tally
from kyphoplan.followup.models import CheckIn, Complication, ComplicationKind, StaffAlert
from kyphoplan.messaging.models import InboundMessage

FOLLOW_UP = roles.WORK_CASES | roles.REVIEW_PLANS


class ComplicationError(ValueError):
    pass


def record_complication(acting_user: Any, case: Case, *, kind: ComplicationKind, occurred_on: date, note: str,
                        ip: str | None, now: datetime) -> Complication:
    roles.require(acting_user, FOLLOW_UP, ip=ip, what="record complication")
    if occurred_on > now.date():
        raise ComplicationError("the date cannot be in the future")
    with transaction.atomic():
        row = Complication.objects.create(case=case, kind=kind, occurred_on=occurred_on, note=note.strip()[:500],
                                          recorded_at=now, recorded_by=acting_user)
        tally.complication(kind)
        record(acting_user, Action.CREATE, ip=ip, object_type="complication", object_id=row.pk, at=now,
               detail={"case": str(case.pk), "kind": kind.value})
    return row


def resolve_alert(acting_user: Any, alert: StaffAlert, *, resolution: str, ip: str | None, now: datetime) -> None:
    roles.require(acting_user, FOLLOW_UP, ip=ip, what="resolve alert")
    with transaction.atomic():
        changed = StaffAlert.objects.filter(pk=alert.pk, resolved_at__isnull=True).update(
            resolved_at=now, resolved_by=acting_user, resolution=resolution.strip()[:500])
        if changed:
            record(acting_user, Action.UPDATE, ip=ip, object_type="followup_alert", object_id=alert.pk, at=now,
                   detail={"resolved": True})


def mark_called(acting_user: Any, checkin: CheckIn, *, ip: str | None, now: datetime) -> None:
    roles.require(acting_user, FOLLOW_UP, ip=ip, what="check-in call")
    with transaction.atomic():
        CheckIn.objects.filter(pk=checkin.pk).update(called_at=now, called_by=acting_user)
        record(acting_user, Action.UPDATE, ip=ip, object_type="checkin", object_id=checkin.pk, at=now,
               detail={"called": True})


def handle_message(acting_user: Any, message: InboundMessage, *, ip: str | None, now: datetime) -> None:
    roles.require(acting_user, FOLLOW_UP, ip=ip, what="patient text read")
    with transaction.atomic():
        InboundMessage.objects.filter(pk=message.pk, handled_at__isnull=True).update(handled_at=now,
                                                                                     handled_by=acting_user)
        record(acting_user, Action.UPDATE, ip=ip, object_type="inbound_sms", object_id=message.pk, at=now,
               detail={"handled": True})
