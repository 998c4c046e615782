"""Hold dates (REFERENCE.md §6), including weeks with a daylight-saving change."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from kyphoplan.clinical.timing import (
    hold_for_days,
    hold_for_doses,
    hold_for_hours,
    local_at,
    shift,
)

LA = ZoneInfo("America/Los_Angeles")
MADRID = ZoneInfo("Europe/Madrid")


def test_it_starts_a_five_day_hold_at_midnight_five_days_before() -> None:
    start = datetime(2026, 12, 14, 8, 0, tzinfo=LA)
    window = hold_for_days(start, 5, LA)
    assert window.starts == datetime(2026, 12, 9, 0, 0, tzinfo=LA)
    assert window.last_dose_date == date(2026, 12, 8)


def test_it_counts_twice_daily_doses_back_from_the_procedure() -> None:
    # Apixaban 4 doses before Mon 14 Dec 08:00: skip 13th 20:00, 13th 08:00, 12th 20:00, 12th 08:00.
    start = datetime(2026, 12, 14, 8, 0, tzinfo=LA)
    window = hold_for_doses(start, 4, (time(8), time(20)), LA)
    assert window.starts == datetime(2026, 12, 12, 8, 0, tzinfo=LA)
    assert window.last_dose_at == datetime(2026, 12, 11, 20, 0, tzinfo=LA)
    assert window.last_dose_date == date(2026, 12, 11)


def test_it_does_not_count_a_dose_at_the_procedure_time() -> None:
    start = datetime(2026, 12, 14, 8, 0, tzinfo=LA)
    window = hold_for_doses(start, 1, (time(8),), LA)
    assert window.starts == datetime(2026, 12, 13, 8, 0, tzinfo=LA)


def test_it_counts_hours_as_elapsed_time_across_spring_forward() -> None:
    # US clocks jump 02:00 → 03:00 on Sunday 14 March 2027: 24 elapsed hours
    # before Sunday 08:00 PDT is Saturday 07:00 PST, not 08:00.
    start = datetime(2027, 3, 14, 8, 0, tzinfo=LA)
    window = hold_for_hours(start, 24, LA)
    assert window.starts == datetime(2027, 3, 13, 7, 0, tzinfo=LA)
    assert start.astimezone(UTC) - window.starts.astimezone(UTC) == timedelta(hours=24)


def test_it_counts_hours_as_elapsed_time_across_fall_back() -> None:
    # Clocks fall back 02:00 → 01:00 on Sunday 7 November 2027.
    start = datetime(2027, 11, 7, 8, 0, tzinfo=LA)
    window = hold_for_hours(start, 24, LA)
    assert (window.starts.date(), window.starts.hour) == (date(2027, 11, 6), 9)


def test_it_keeps_midnight_local_across_a_dst_week() -> None:
    start = datetime(2027, 3, 30, 9, 0, tzinfo=MADRID)  # Europe changes on 28 March 2027
    window = hold_for_days(start, 5, MADRID)
    assert window.starts == local_at(date(2027, 3, 25), time(0), MADRID)
    assert window.starts.utcoffset() == timedelta(hours=1)


def test_it_moves_a_time_in_a_spring_gap_to_the_end_of_the_gap() -> None:
    moment = local_at(date(2027, 3, 14), time(2, 30), LA)
    assert (moment.hour, moment.minute) == (3, 0)
    assert moment.utcoffset() == timedelta(hours=-7)


@given(
    offset_days=st.integers(min_value=2, max_value=400),
    hour=st.integers(min_value=6, max_value=17),
    days=st.integers(min_value=0, max_value=10),
    doses=st.integers(min_value=1, max_value=8),
    zone=st.sampled_from(["America/Los_Angeles", "America/New_York", "Europe/Madrid", "America/Phoenix"]),
)
def test_it_always_starts_holds_before_the_procedure(
    offset_days: int, hour: int, days: int, doses: int, zone: str
) -> None:
    tz = ZoneInfo(zone)
    start = local_at(date(2026, 11, 1) + timedelta(days=offset_days), time(hour), tz)
    for window in (
        hold_for_days(start, days, tz),
        hold_for_doses(start, doses, (time(8), time(20)), tz),
        hold_for_hours(start, 6, tz),
    ):
        assert window.starts <= start
        assert window.last_dose_date <= window.starts.date()
        if window.last_dose_at is not None:
            assert window.last_dose_at <= window.starts


def test_it_shifts_by_elapsed_time() -> None:
    before = datetime(2027, 3, 13, 12, 0, tzinfo=LA)
    after = shift(before, timedelta(hours=24), LA)
    # Aware datetimes in the same zone subtract on the wall clock; compare in UTC.
    assert after.astimezone(UTC) - before.astimezone(UTC) == timedelta(hours=24)
    assert after.hour == 13
