"""When a call is due: business hours across weekends, holidays and DST. Pure functions."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from kyphoplan.callbacks.hours import (
    BusinessHours,
    Practice,
    add_business_time,
    expected_call_by,
    us_office_holidays,
)

LA = ZoneInfo("America/Los_Angeles")
HOURS = BusinessHours(
    zone=LA,
    open_weekdays=frozenset(range(5)),
    opens=time(8),
    closes=time(17),
    holidays=us_office_holidays(range(2025, 2028)),
)
PRACTICE = Practice("P", "1", "A", "s@example.org", HOURS, callback_sla_hours=4)


def la(*args: int) -> datetime:
    return datetime(*args, tzinfo=LA)


def test_it_adds_hours_within_one_day() -> None:
    assert expected_call_by(la(2026, 3, 3, 9, 0), PRACTICE) == la(2026, 3, 3, 13, 0)


def test_it_carries_over_to_the_next_morning() -> None:
    assert expected_call_by(la(2026, 3, 3, 15, 30), PRACTICE) == la(2026, 3, 4, 10, 30)


def test_it_starts_the_clock_at_opening_when_sent_at_night() -> None:
    assert expected_call_by(la(2026, 3, 3, 2, 0), PRACTICE) == la(2026, 3, 3, 12, 0)


def test_it_skips_the_weekend() -> None:
    friday_late = la(2026, 3, 6, 16, 0)
    assert expected_call_by(friday_late, PRACTICE) == la(2026, 3, 9, 11, 0)
    assert expected_call_by(la(2026, 3, 7, 12, 0), PRACTICE) == la(2026, 3, 9, 12, 0)


def test_it_skips_holidays() -> None:
    # Thanksgiving 2026 is Thursday 26 November.
    assert date(2026, 11, 26) in HOURS.holidays
    assert expected_call_by(la(2026, 11, 25, 16, 0), PRACTICE) == la(2026, 11, 27, 11, 0)


def test_it_moves_an_observed_holiday_off_the_weekend() -> None:
    # 4 July 2026 is a Saturday: the office closes Friday 3 July.
    assert date(2026, 7, 3) in HOURS.holidays


def test_it_keeps_wall_clock_hours_across_the_spring_dst_change() -> None:
    # Clocks go forward on Sunday 8 March 2026; Friday 16:00 + 4 h is Monday 11:00 local.
    due = expected_call_by(la(2026, 3, 6, 16, 0), PRACTICE)
    assert due == la(2026, 3, 9, 11, 0)
    assert due.astimezone(UTC).hour == 18  # PDT is UTC−7


def test_it_keeps_wall_clock_hours_across_the_autumn_dst_change() -> None:
    due = expected_call_by(la(2026, 10, 30, 16, 0), PRACTICE)
    assert due == la(2026, 11, 2, 11, 0)
    assert due.astimezone(UTC).hour == 19  # PST is UTC−8


def test_it_accepts_a_time_in_another_zone() -> None:
    assert expected_call_by(datetime(2026, 3, 3, 17, 0, tzinfo=UTC), PRACTICE) == la(2026, 3, 3, 13, 0)


@given(
    st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 6, 1), timezones=st.just(UTC)),
    st.integers(min_value=1, max_value=40),
)
def test_it_always_lands_inside_open_hours(start: datetime, hours: int) -> None:
    due = add_business_time(start, timedelta(hours=hours), HOURS)
    local = due.astimezone(LA)
    assert due > start
    assert HOURS.is_open_on(local.date())
    assert time(8) < local.time() <= time(17)
