"""When a text may go out: the sending window in the patient's zone and the caps per purpose.

REFERENCE §13b: at most 1 a day and 3 a week per purpose (FCC 2015 healthcare exemption);
the window is policy (default 09:00–20:00, KYPHOPLAN_SMS_WINDOW), read in the patient's zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from kyphoplan.messaging.models import Purpose
from kyphoplan.reminders.models import Reminder, ReminderChannel, ReminderStatus
from kyphoplan.web.env import EnvError, env_str

CHECKIN_KIND = "checkin-link"
PER_DAY = 1
PER_WEEK = 3
SEARCH_DAYS = 60


def purpose_of(kind: str) -> Purpose:
    return Purpose.FOLLOW_UP if kind == CHECKIN_KIND else Purpose.APPOINTMENT


@dataclass(frozen=True)
class Window:
    start: time
    end: time


@cache
def send_window() -> Window:
    raw = env_str("KYPHOPLAN_SMS_WINDOW", "09:00-20:00")
    try:
        start, end = (time.fromisoformat(p.strip()) for p in raw.split("-"))
    except ValueError as exc:
        raise EnvError(f"KYPHOPLAN_SMS_WINDOW must look like 09:00-20:00, not {raw!r}") from exc
    if not start < end:
        raise EnvError("KYPHOPLAN_SMS_WINDOW must start before it ends, within one day")
    return Window(start, end)


def _texts(phone: str, purpose: Purpose, start: datetime, end: datetime) -> int:
    qs = Reminder.objects.filter(to=phone, channel=ReminderChannel.SMS, send_at__gte=start, send_at__lt=end).exclude(
        status=ReminderStatus.CANCELLED)
    qs = qs.filter(kind=CHECKIN_KIND) if purpose == Purpose.FOLLOW_UP else qs.exclude(kind=CHECKIN_KIND)
    return qs.count()


def next_send_time(phone: str, purpose: Purpose, proposed: datetime, zone: ZoneInfo) -> datetime | None:
    """The first moment at or after `proposed` inside the window whose day and week still have
    room on this number for this purpose; None if none within SEARCH_DAYS."""
    window = send_window()
    local = proposed.astimezone(zone)
    for _ in range(SEARCH_DAYS):
        day = local.date()
        opens = datetime.combine(day, window.start, tzinfo=zone)
        closes = datetime.combine(day, window.end, tzinfo=zone)
        moment = max(local, opens)
        if moment < closes:
            day_start = datetime.combine(day, time(0), tzinfo=zone)
            day_end = day_start + timedelta(days=1)
            if (_texts(phone, purpose, day_start, day_end) < PER_DAY
                    and _texts(phone, purpose, day_end - timedelta(days=7), day_end) < PER_WEEK
                    and _texts(phone, purpose, day_start, day_start + timedelta(days=7)) < PER_WEEK):
                return moment
        local = datetime.combine(day + timedelta(days=1), window.start, tzinfo=zone)
    return None
