"""Follow-up time points from the procedure date (REFERENCE §13: baseline, 7 days, 1, 3,
6 and 12 months). Pure: no clock, no database.

Each check-in is due at 10:00 on its day in the patient's zone (inside any sending window);
months are calendar months, the day clamped to the month's end (31 Jan + 1 month = 28 Feb).
The baseline is due at once when the procedure is booked, and at the latest a week before.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import models


class TimePoint(models.TextChoices):
    BASELINE = "baseline", "Before the procedure"
    DAY_7 = "d7", "7 days"
    MONTH_1 = "m1", "1 month"
    MONTH_3 = "m3", "3 months"
    MONTH_6 = "m6", "6 months"
    MONTH_12 = "m12", "12 months"


AFTER = [TimePoint.DAY_7, TimePoint.MONTH_1, TimePoint.MONTH_3, TimePoint.MONTH_6, TimePoint.MONTH_12]
MONTHS = {TimePoint.MONTH_1: 1, TimePoint.MONTH_3: 3, TimePoint.MONTH_6: 6, TimePoint.MONTH_12: 12}
DUE_AT = time(10, 0)
# A check-in stays open this long after it is due; after that it counts as unanswered.
ANSWER_WINDOW = {TimePoint.BASELINE: timedelta(days=0), TimePoint.DAY_7: timedelta(days=7)}
DEFAULT_WINDOW = timedelta(days=21)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_dates(procedure_at: datetime, zone: ZoneInfo, *, now: datetime) -> dict[TimePoint, datetime]:
    day = procedure_at.astimezone(zone).date()
    out = {TimePoint.BASELINE: max(now, procedure_at - timedelta(days=7)) if now < procedure_at else procedure_at}
    out[TimePoint.DAY_7] = datetime.combine(day + timedelta(days=7), DUE_AT, tzinfo=zone)
    for point, months in MONTHS.items():
        out[point] = datetime.combine(add_months(day, months), DUE_AT, tzinfo=zone)
    return out


def closes_at(point: TimePoint, due_at: datetime, procedure_at: datetime) -> datetime:
    """A baseline answer must come before the procedure; the others have a window."""
    if point == TimePoint.BASELINE:
        return procedure_at
    return due_at + ANSWER_WINDOW.get(point, DEFAULT_WINDOW)
