"""How a guideline's hold turns into local dates and times (REFERENCE.md §6).

All arithmetic on instants is done in UTC and converted back to the practice's
zone: Python adds a timedelta to an aware datetime on the wall clock, which is
wrong by an hour across a daylight-saving change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from kyphoplan.clinical.model import Frequency

MORNING = time(8, 0)
EVENING = time(20, 0)

# Default dosing clock times when a line gives a frequency but no times (policy, §6:
# 08:00 once daily, 08:00/20:00 twice daily; the others follow the same pattern).
_DEFAULT_TIMES: dict[int, tuple[time, ...]] = {
    1: (MORNING,),
    2: (MORNING, EVENING),
    3: (time(8, 0), time(14, 0), time(20, 0)),
    4: (time(8, 0), time(12, 0), time(16, 0), time(20, 0)),
}


def instant(moment: datetime) -> datetime:
    """The UTC instant of an aware datetime. Compare through this: Python compares
    and subtracts two datetimes of the same zone on the wall clock, which is wrong
    in the repeated hour of a fall-back night."""
    return moment.astimezone(UTC)


@lru_cache(maxsize=4096)
def local_at(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """The instant `clock` on `day` in `zone`.

    A clock time skipped by a spring-forward gap resolves to the first instant
    after the gap (e.g. 02:30 on a spring-forward night becomes 03:00).
    Cached: a plan asks for the same few days and clock times many times, and
    the answer depends on nothing else (datetimes are immutable)."""
    naive = datetime.combine(day, clock)
    candidate = naive.replace(tzinfo=zone)
    round_trip = candidate.astimezone(UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) == naive:
        return candidate
    # Inside a gap. The two readings of the skipped time (fold 0 and 1) bracket
    # the transition; walk forward from the earlier one to the first real time.
    probe = min(candidate.astimezone(UTC), candidate.replace(fold=1).astimezone(UTC))
    while True:
        probe += timedelta(minutes=1)
        local = probe.astimezone(zone)
        if local.replace(tzinfo=None) > naive:
            return local.replace(second=0, microsecond=0)


def shift(moment: datetime, delta: timedelta, zone: ZoneInfo) -> datetime:
    """`moment + delta` as elapsed time (not wall-clock time), expressed in `zone`."""
    return (moment.astimezone(UTC) + delta).astimezone(zone)


def start_of_day(day: date, zone: ZoneInfo) -> datetime:
    return local_at(day, time(0, 0), zone)


def dosing_times(frequency: Frequency | None, default_per_day: int) -> tuple[time, ...]:
    """Clock times of the scheduled doses of one day."""
    if frequency is not None and frequency.times:
        return tuple(sorted(time.fromisoformat(value) for value in frequency.times))
    per_day = default_per_day
    if frequency is not None and frequency.per_day is not None and frequency.per_day >= 1:
        per_day = round(frequency.per_day)
    return _DEFAULT_TIMES.get(per_day, _DEFAULT_TIMES[1])


@dataclass(frozen=True)
class HoldWindow:
    """`starts` is when the hold begins (no dose from then); `last_dose` is the
    last scheduled dose before it (date, and instant when the schedule is known)."""

    starts: datetime
    last_dose_date: date
    last_dose_at: datetime | None = None


def hold_for_days(procedure_start: datetime, days: int, zone: ZoneInfo) -> HoldWindow:
    """No dose on the `days` calendar days before the procedure day nor on it.

    The hold starts at 00:00 on day -days; the last dose falls on day -(days+1)."""
    procedure_day = procedure_start.astimezone(zone).date()
    first_day_without = procedure_day - timedelta(days=days)
    return HoldWindow(
        starts=start_of_day(first_day_without, zone),
        last_dose_date=first_day_without - timedelta(days=1),
    )


def scheduled_doses_before(
    procedure_start: datetime, times: tuple[time, ...], zone: ZoneInfo, count: int
) -> list[datetime]:
    """The last `count` scheduled dose instants strictly before the procedure, latest first."""
    found: list[datetime] = []
    day = procedure_start.astimezone(zone).date()
    latest_first, cut_off = sorted(times, reverse=True), instant(procedure_start)
    while len(found) < count:
        for clock in latest_first:
            moment = local_at(day, clock, zone)
            if instant(moment) < cut_off:
                found.append(moment)
                if len(found) == count:
                    break
        day -= timedelta(days=1)
    return found


def hold_for_doses(
    procedure_start: datetime, doses: int, times: tuple[time, ...], zone: ZoneInfo
) -> HoldWindow:
    """Skip the last `doses` scheduled doses; the hold starts at the first skipped one."""
    schedule = scheduled_doses_before(procedure_start, times, zone, doses + 1)
    first_skipped = schedule[doses - 1]
    last_taken = schedule[doses]
    return HoldWindow(starts=first_skipped, last_dose_date=last_taken.date(), last_dose_at=last_taken)


def hold_for_hours(
    procedure_start: datetime, hours: float, zone: ZoneInfo, times: tuple[time, ...] = ()
) -> HoldWindow:
    """The last dose at least `hours` elapsed hours before the procedure starts.

    With a known dose schedule, the last dose is the last scheduled one at or
    before that cut-off (a bedtime dose 11 h before a 12 h cut-off is skipped)."""
    latest = shift(procedure_start, timedelta(hours=-hours), zone)
    if not times:
        return HoldWindow(starts=latest, last_dose_date=latest.date(), last_dose_at=latest)
    day = latest.date()
    latest_first, cut_off = sorted(times, reverse=True), instant(latest)
    while True:
        for clock in latest_first:
            moment = local_at(day, clock, zone)
            if instant(moment) <= cut_off:
                return HoldWindow(starts=latest, last_dose_date=moment.date(), last_dose_at=moment)
        day -= timedelta(days=1)


def day_after(procedure_start: datetime, zone: ZoneInfo, clock: time = MORNING) -> datetime:
    """The first usual morning dose time on the day after the procedure."""
    return local_at(procedure_start.astimezone(zone).date() + timedelta(days=1), clock, zone)
