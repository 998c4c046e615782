from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from kyphoplan.booking.slots import (
    BookingRuleError,
    BookingRules,
    candidate_starts,
    check_working_hours,
    procedure_minutes,
    slots_between,
    timeline,
)

LA = ZoneInfo("America/Los_Angeles")
RULES = BookingRules(zone=LA, minutes_per_level=45, setup_minutes=15, recovery_minutes=120)


def test_it_derives_room_time_from_the_number_of_levels():
    assert procedure_minutes(1, RULES) == 60
    assert procedure_minutes(2, RULES) == 105
    assert procedure_minutes(3, BookingRules(zone=LA, minutes_per_level=40, setup_minutes=0)) == 120


def test_it_refuses_an_hour_or_more_per_level():
    with pytest.raises(BookingRuleError):
        BookingRules(zone=LA, minutes_per_level=60)


def test_it_counts_slots_in_utc_across_the_autumn_change():
    # 1 November 2026, 01:00-03:00 local is three real hours: 12 slots, not 8.
    start = datetime(2026, 11, 1, 1, 0, tzinfo=LA)
    end = datetime(2026, 11, 1, 3, 0, tzinfo=LA)
    assert len(slots_between(start, end)) == 12
    assert all(s.tzinfo is UTC for s in slots_between(start, end))


def test_it_plans_arrival_recovery_and_an_overnight_stay():
    t = timeline(datetime(2026, 12, 14, 8, 0, tzinfo=LA), 2, RULES, overnight=True)
    assert t.arrive.time() == time(7, 0)
    assert t.end.time() == time(9, 45)
    assert t.recovered.time() == time(11, 45)
    assert t.discharge == datetime(2026, 12, 15, 10, 0, tzinfo=LA)
    assert len(t.room_slots()) == 7
    assert t.bed_slots()[0] == t.end.astimezone(UTC)


def test_it_keeps_bookings_inside_working_hours():
    check_working_hours(datetime(2026, 12, 14, 8, 0, tzinfo=LA), 2, RULES)
    with pytest.raises(BookingRuleError, match="closed"):
        check_working_hours(datetime(2026, 12, 13, 8, 0, tzinfo=LA), 1, RULES)  # Sunday
    with pytest.raises(BookingRuleError, match="working hours"):
        check_working_hours(datetime(2026, 12, 14, 16, 0, tzinfo=LA), 2, RULES)
    with pytest.raises(BookingRuleError, match="quarter"):
        check_working_hours(datetime(2026, 12, 14, 8, 5, tzinfo=LA), 1, RULES)


def test_it_offers_only_starts_whose_slots_are_free():
    day = date(2026, 12, 14)
    taken = set(slots_between(datetime(2026, 12, 14, 9, 0, tzinfo=LA), datetime(2026, 12, 14, 10, 0, tzinfo=LA)))
    starts = candidate_starts(day, 1, RULES, taken)
    times = [s.time() for s in starts]
    assert time(7, 30) in times and time(8, 0) in times
    assert time(8, 15) not in times and time(9, 30) not in times
    assert time(10, 0) in times
    assert starts[-1] + timedelta(minutes=60) == datetime(2026, 12, 14, 17, 0, tzinfo=LA)
