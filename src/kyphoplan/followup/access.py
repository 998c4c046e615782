"""Audited reads for follow-up: the nurse's worklist, one case's follow-up, a check-in by link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.cases import roles
from kyphoplan.cases.models import Case
from kyphoplan.followup.links import read_token
from kyphoplan.followup.models import CheckIn, CheckInStatus, Complication, StaffAlert
from kyphoplan.messaging.models import InboundMessage

ROWS = 200
RECENT = timedelta(days=90)
UPCOMING = timedelta(days=7)


@dataclass(frozen=True)
class Worklist:
    alerts: list[StaffAlert]
    messages: list[tuple[InboundMessage, list[Case]]]
    waiting: list[CheckIn]
    unanswered: list[CheckIn]
    upcoming: list[CheckIn]
    complications: list[Complication]


def access_worklist(user: Any, *, ip: str | None, now: datetime) -> Worklist:
    roles.require(user, roles.VIEW_CASES, ip=ip, what="follow-up worklist")
    checkins = CheckIn.objects.select_related("case")
    messages = list(InboundMessage.objects.filter(to_staff=True, handled_at__isnull=True)[:ROWS])
    phones = {m.phone_e164 for m in messages}
    by_phone: dict[str, list[Case]] = {}
    for case in Case.objects.filter(phone_e164__in=phones):
        by_phone.setdefault(case.phone_e164, []).append(case)
    out = Worklist(
        alerts=list(StaffAlert.objects.filter(resolved_at__isnull=True).select_related("case", "checkin")[:ROWS]),
        messages=[(m, by_phone.get(m.phone_e164, [])) for m in messages],
        waiting=list(checkins.filter(status=CheckInStatus.SENT, due_at__lte=now)[:ROWS]),
        unanswered=list(checkins.filter(status__in=[CheckInStatus.MISSED, CheckInStatus.NO_CHANNEL],
                                        due_at__gte=now - RECENT, called_at__isnull=True)[:ROWS]),
        upcoming=list(checkins.filter(status=CheckInStatus.SCHEDULED, due_at__lte=now + UPCOMING)[:ROWS]),
        complications=list(Complication.objects.filter(occurred_on__gte=(now - RECENT).date())
                           .select_related("case")[:ROWS]),
    )
    record(user, Action.LIST, ip=ip, object_type="followup", detail={
        "alerts": len(out.alerts), "waiting": len(out.waiting), "unanswered": len(out.unanswered)})
    return out


def access_case_followup(user: Any, case_id: UUID | str, *, ip: str | None) -> tuple[Case, list[CheckIn], list[Complication], list[StaffAlert]]:
    roles.require(user, roles.VIEW_CASES, ip=ip, what="case follow-up")
    case = Case.objects.get(pk=case_id)
    record(user, Action.VIEW, ip=ip, object_type="case", object_id=case.pk, detail={"page": "follow-up"})
    return (case, list(case.checkins.all()), list(case.complications.all()),
            list(case.followup_alerts.all()))


def checkin_by_token(token: str) -> CheckIn | None:
    """The patient's way in: the signed link is the credential, audited on answer."""
    pk = read_token(token)
    if pk is None:
        return None
    return CheckIn.objects.select_related("case", "followup").filter(pk=pk).first()
