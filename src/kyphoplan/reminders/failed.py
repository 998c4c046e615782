"""Patient reminders and links on the failed-messages page (outbox.sources)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse

from kyphoplan.outbox.sources import Source, Stuck, register
from kyphoplan.reminders.models import Reminder, ReminderStatus
from kyphoplan.reminders.services import LinkRemoved
from kyphoplan.reminders.services import settle as settle_reminder

STUCK = [ReminderStatus.FAILED, ReminderStatus.IN_DOUBT]


def stuck(limit: int) -> list[Stuck]:
    rows = Reminder.objects.filter(status__in=STUCK).order_by("-id")[:limit]
    return [Stuck(source="reminder", pk=r.pk, kind=f"{r.kind} ({r.get_channel_display().lower()})", to=r.to,
                  status=r.get_status_display() + (" (link removed: send a new one from the case)"
                                                     if r.link_removed_at else ""), in_doubt=r.status == ReminderStatus.IN_DOUBT, error=r.last_error,
                  attempts=r.attempts, since=r.next_attempt_at,
                  link=reverse("cases:detail", kwargs={"case_id": r.case_id})) for r in rows]


def settle(acting_user: Any, pk: int, resend: bool, ip: str | None, now: datetime) -> bool:
    reminder = Reminder.objects.filter(pk=pk).first()
    if reminder is None:
        return False
    before = reminder.status
    try:
        settle_reminder(acting_user, reminder, resend=resend, ip=ip, now=now)
    except LinkRemoved:
        return False
    return reminder.status != before


def register_reminders() -> None:
    register("reminder", Source(label="Patient reminders and links", stuck=stuck, settle=settle))
