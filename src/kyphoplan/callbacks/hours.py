"""Business hours arithmetic. Pure: every function takes `now` instead of reading a clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class BusinessHours:
    zone: ZoneInfo
    open_weekdays: frozenset[int]  # 0 = Monday
    opens: time
    closes: time
    holidays: frozenset[date]

    def is_open_on(self, day: date) -> bool:
        return day.weekday() in self.open_weekdays and day not in self.holidays


@dataclass(frozen=True)
class Practice:
    name: str
    phone: str
    address: str
    scheduling_inbox: str
    hours: BusinessHours
    callback_sla_hours: int


def add_business_time(start: datetime, amount: timedelta, hours: BusinessHours) -> datetime:
    """The moment `amount` of open time has passed after `start`.

    Work in UTC so a DST change between two business days never adds or removes an hour.
    """
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    if not hours.open_weekdays or hours.opens >= hours.closes:
        raise ValueError("business hours are empty")
    remaining = amount
    cursor = start.astimezone(UTC)
    day = start.astimezone(hours.zone).date()
    for _ in range(800):  # two years of days: more than any holiday list can close
        if hours.is_open_on(day):
            day_open = datetime.combine(day, hours.opens, tzinfo=hours.zone).astimezone(UTC)
            day_close = datetime.combine(day, hours.closes, tzinfo=hours.zone).astimezone(UTC)
            begin = max(cursor, day_open)
            if begin < day_close:
                available = day_close - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
        day += timedelta(days=1)
    raise ValueError("no open business time in the next two years")


def expected_call_by(now: datetime, practice: Practice) -> datetime:
    """When a request sent at `now` should have had its call, by the practice's service level."""
    return add_business_time(now, timedelta(hours=practice.callback_sla_hours), practice.hours)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    return first + timedelta(days=offset + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    last = nxt - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _observed(day: date) -> date:
    # A holiday on Saturday is taken on Friday; on Sunday, on Monday.
    if day.weekday() == 5:
        return day - timedelta(days=1)
    if day.weekday() == 6:
        return day + timedelta(days=1)
    return day


def us_office_holidays(years: range) -> frozenset[date]:
    """The demo's holidays: the six US holidays most clinics close for."""
    days: set[date] = set()
    for y in years:
        days |= {
            _observed(date(y, 1, 1)),
            _last_weekday(y, 5, 0),  # Memorial Day
            _observed(date(y, 7, 4)),
            _nth_weekday(y, 9, 0, 1),  # Labor Day
            _nth_weekday(y, 11, 3, 4),  # Thanksgiving
            _observed(date(y, 12, 25)),
        }
    return frozenset(days)
