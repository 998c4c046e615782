"""The one entry point the pathway owner calls when a procedure is booked or its date moves.

`sync_followup` makes (or moves) the follow-up check-ins and opens the bone-health track,
inside the caller's transaction. Answered check-ins never move; a check-in not yet sent
moves with the date.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction

from kyphoplan.callbacks.models import CallbackRequest
from kyphoplan.cases.models import Case
from kyphoplan.followup import tally
from kyphoplan.followup.models import CheckIn, CheckInStatus, FollowUp
from kyphoplan.followup.timepoints import closes_at, due_dates
from kyphoplan.liaison.services import ensure_track
from kyphoplan.web.practice import get_practice

MOVABLE = (CheckInStatus.SCHEDULED, CheckInStatus.SENT, CheckInStatus.MISSED, CheckInStatus.NO_CHANNEL)


def sync_followup(case: Case, *, procedure_at: datetime, levels: int, now: datetime) -> FollowUp:
    with transaction.atomic():
        followup, created = FollowUp.objects.select_for_update().get_or_create(
            case=case, defaults={"procedure_at": procedure_at, "levels": levels, "started_at": now,
                                 "updated_at": now, "zone": get_practice().hours.zone.key})
        if not created:
            tally.booked(followup, count=-1)
            followup.procedure_at, followup.levels, followup.updated_at = procedure_at, levels, now
        asked = (CallbackRequest.objects.filter(pk=case.callback_id).values_list("created_at", flat=True).first()
                 if case.callback_id is not None else None)  # not every case starts as a call-back request
        followup.callback_wait_days = (procedure_at - asked).total_seconds() / 86400 if asked else None
        followup.save(update_fields=["procedure_at", "levels", "updated_at", "callback_wait_days"])
        tally.booked(followup, count=1)
        dates = due_dates(procedure_at, ZoneInfo(followup.zone), now=now)
        existing = {c.timepoint: c for c in CheckIn.objects.filter(case=case)}
        for point, due in dates.items():
            closes = closes_at(point, due, procedure_at)
            row = existing.get(point)
            if row is None:
                CheckIn.objects.create(followup=followup, case=case, timepoint=point, due_at=due, closes_at=closes)
            elif row.status in MOVABLE and (row.due_at != due or row.closes_at != closes):
                # A check-in already sent keeps its link; only its dates move. Not yet due → not yet sent.
                status = CheckInStatus.SENT if row.status == CheckInStatus.SENT and due <= now else CheckInStatus.SCHEDULED
                was_asked = row.status == CheckInStatus.NO_CHANNEL or row.sent_at is not None
                if status == CheckInStatus.SCHEDULED and was_asked:
                    tally.asked(point, count=-1)  # it will be asked again at its new date
                sent_at = row.sent_at if status == CheckInStatus.SENT else None
                CheckIn.objects.filter(pk=row.pk).update(due_at=due, closes_at=closes, status=status, sent_at=sent_at)
        ensure_track(case, procedure_at=procedure_at, now=now)
    return followup
