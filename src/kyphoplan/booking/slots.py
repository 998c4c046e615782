"""Booking arithmetic. Pure: no database, no clock.

Rooms and beds are claimed in fixed 15-minute slots. A booking writes one row per
slot it covers, and the database refuses a second row for the same resource and
slot start: that unique constraint is what makes double booking impossible, on
SQLite and PostgreSQL alike, however many requests race.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SLOT = timedelta(minutes=15)
SLOT_MINUTES = 15


class BookingRuleError(ValueError):
    pass


@dataclass(frozen=True)
class BookingRules:
    zone: ZoneInfo
    minutes_per_level: int = 45  # the source: under one hour per level
    setup_minutes: int = 15
    recovery_minutes: int = 120
    arrive_minutes_before: int = 60
    opens: time = time(7, 30)
    closes: time = time(17, 0)
    weekdays: frozenset[int] = frozenset(range(5))  # 0 = Monday
    overnight_discharge: time = time(10, 0)

    def __post_init__(self) -> None:
        if not 1 <= self.minutes_per_level < 60:
            raise BookingRuleError("minutes per level must be between 1 and 59")
        if self.opens >= self.closes:
            raise BookingRuleError("the rooms must open before they close")
        if self.setup_minutes < 0 or self.recovery_minutes < 0 or self.arrive_minutes_before < 0:
            raise BookingRuleError("minutes cannot be negative")


def procedure_minutes(levels: int, rules: BookingRules) -> int:
    """Room time for `levels` levels, rounded up to whole slots."""
    if levels < 1:
        raise BookingRuleError("a booking needs at least one level")
    raw = levels * rules.minutes_per_level + rules.setup_minutes
    return math.ceil(raw / SLOT_MINUTES) * SLOT_MINUTES


def utc_slot(moment: datetime) -> datetime:
    """The slot containing `moment`, as a UTC instant (slots are aligned in UTC)."""
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    u = moment.astimezone(UTC)
    return u.replace(minute=u.minute - u.minute % SLOT_MINUTES, second=0, microsecond=0)


def slots_between(start: datetime, end: datetime) -> list[datetime]:
    """Every slot start (UTC) that [start, end) touches."""
    if end <= start:
        raise ValueError("end must be after start")
    cursor = utc_slot(start)
    stop = end.astimezone(UTC)
    out = []
    while cursor < stop:
        out.append(cursor)
        cursor += SLOT  # UTC arithmetic: a DST change never adds or drops a slot
    return out


@dataclass(frozen=True)
class Timeline:
    arrive: datetime
    start: datetime
    end: datetime
    recovered: datetime
    discharge: datetime  # the next morning when staying overnight
    overnight: bool

    def room_slots(self) -> list[datetime]:
        return slots_between(self.start, self.end)

    def bed_slots(self) -> list[datetime]:
        return slots_between(self.end, self.discharge) if self.overnight else []


def timeline(start: datetime, levels: int, rules: BookingRules, *, overnight: bool) -> Timeline:
    local = start.astimezone(rules.zone)
    u = local.astimezone(UTC)
    end = (u + timedelta(minutes=procedure_minutes(levels, rules))).astimezone(rules.zone)
    recovered = (end.astimezone(UTC) + timedelta(minutes=rules.recovery_minutes)).astimezone(rules.zone)
    if overnight:
        next_day = local.date() + timedelta(days=1)
        discharge = datetime.combine(next_day, rules.overnight_discharge, tzinfo=rules.zone)
    else:
        discharge = recovered
    arrive = (u - timedelta(minutes=rules.arrive_minutes_before)).astimezone(rules.zone)
    return Timeline(arrive=arrive, start=local, end=end, recovered=recovered,
                    discharge=discharge, overnight=overnight)


def check_working_hours(start: datetime, levels: int, rules: BookingRules) -> None:
    """The procedure must start on a working day, on a slot, and end by closing time."""
    local = start.astimezone(rules.zone)
    if local.weekday() not in rules.weekdays:
        raise BookingRuleError("the rooms are closed that day")
    if utc_slot(local) != local.astimezone(UTC):
        raise BookingRuleError("bookings start on the quarter hour")
    opens = datetime.combine(local.date(), rules.opens, tzinfo=rules.zone)
    closes = datetime.combine(local.date(), rules.closes, tzinfo=rules.zone)
    end = timeline(local, levels, rules, overnight=False).end
    if local.astimezone(UTC) < opens.astimezone(UTC) or end.astimezone(UTC) > closes.astimezone(UTC):
        raise BookingRuleError("the procedure must fit within working hours")


def candidate_starts(day: date, levels: int, rules: BookingRules, taken: set[datetime]) -> list[datetime]:
    """Start times on `day` whose room slots are all free (`taken`: UTC slot starts)."""
    if day.weekday() not in rules.weekdays:
        return []
    out = []
    cursor = datetime.combine(day, rules.opens, tzinfo=rules.zone).astimezone(UTC)
    closes = datetime.combine(day, rules.closes, tzinfo=rules.zone).astimezone(UTC)
    length = timedelta(minutes=procedure_minutes(levels, rules))
    while cursor + length <= closes:
        if not taken.intersection(slots_between(cursor, cursor + length)):
            out.append(cursor.astimezone(rules.zone))
        cursor += SLOT
    return out
