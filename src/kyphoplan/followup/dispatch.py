"""Send the check-ins that are due, through the reminders outbox (the existing providers).

Run by `manage.py send_checkins` (every few minutes, next to `send_reminders`). Text when the
number may be texted for follow-up (consent per number and purpose, caps, the sending window
in the patient's zone); else email; else the check-in waits on the worklist for a call.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction

from kyphoplan.booking.models import BookingStatus
from kyphoplan.cases.workflow import CaseStatus
from kyphoplan.followup import tally
from kyphoplan.followup.links import checkin_url
from kyphoplan.followup.models import CheckIn, CheckInStatus
from kyphoplan.followup.timepoints import TimePoint
from kyphoplan.followup.wording import checkin_email, checkin_sms
from kyphoplan.messaging.consent import may_text
from kyphoplan.messaging.gate import CHECKIN_KIND, next_send_time
from kyphoplan.messaging.models import Purpose
from kyphoplan.reminders.models import Reminder, ReminderChannel


def expire(now: datetime) -> int:
    """Past its window: missed (one never sent is not counted as asked; see tally)."""
    return CheckIn.objects.filter(status__in=[CheckInStatus.SENT, CheckInStatus.SCHEDULED],
                                  closes_at__lte=now).update(status=CheckInStatus.MISSED)


def _queue(checkin: CheckIn, now: datetime) -> CheckInStatus:
    case = checkin.case
    if case.status == CaseStatus.CANCELLED or not case.bookings.filter(status=BookingStatus.ACTIVE).exists():
        # The procedure was cancelled (the pathway does not call us then): ask nothing.
        CheckIn.objects.filter(pk=checkin.pk).update(status=CheckInStatus.CANCELLED)
        return CheckInStatus.CANCELLED
    url = checkin_url(checkin.pk, case.language)
    send_at = None
    if may_text(case.phone_e164, Purpose.FOLLOW_UP, case_opted_in=case.sms_reminders):
        send_at = next_send_time(case.phone_e164, Purpose.FOLLOW_UP, max(now, checkin.due_at),
                                 ZoneInfo(checkin.followup.zone))
    if send_at is not None and send_at < checkin.closes_at:
        channel, to, subject, body = ReminderChannel.SMS, case.phone_e164, "", checkin_sms(url, case.language)
    elif case.email and case.email_reminders:
        send_at = now
        subject, body = checkin_email(url, case.language)
        channel, to = ReminderChannel.EMAIL, case.email
    else:
        CheckIn.objects.filter(pk=checkin.pk).update(status=CheckInStatus.NO_CHANNEL)
        tally.asked(TimePoint(checkin.timepoint))
        return CheckInStatus.NO_CHANNEL
    Reminder.objects.create(case=case, key=f"checkin-{checkin.pk}-{channel}", kind=CHECKIN_KIND, channel=channel,
                            to=to, language=case.language, subject=subject, body=body, send_at=send_at,
                            event_at=checkin.due_at, next_attempt_at=send_at)
    CheckIn.objects.filter(pk=checkin.pk).update(status=CheckInStatus.SENT, channel=channel, sent_at=send_at,
                                                 language=case.language)
    tally.asked(TimePoint(checkin.timepoint))
    return CheckInStatus.SENT


def dispatch_due_checkins(now: datetime, limit: int = 200) -> dict[str, int]:
    counts: dict[str, int] = {"missed": expire(now)}
    due = CheckIn.objects.filter(status=CheckInStatus.SCHEDULED, due_at__lte=now).select_related("case", "followup")
    for checkin in due.order_by("due_at", "id")[:limit]:
        with transaction.atomic():
            if not CheckIn.objects.select_for_update().filter(pk=checkin.pk, status=CheckInStatus.SCHEDULED).exists():
                continue
            status = _queue(checkin, now)
        counts[status.value] = counts.get(status.value, 0) + 1
    return counts
