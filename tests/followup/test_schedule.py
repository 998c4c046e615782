"""The follow-up schedule comes from the procedure date and moves with it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kyphoplan.followup.models import CheckIn, CheckInStatus
from kyphoplan.followup.timepoints import TimePoint, add_months, due_dates
from tests.pathway.fixtures import NOW, START

LA = ZoneInfo("America/Los_Angeles")


def test_it_puts_the_time_points_on_calendar_days() -> None:
    dates = due_dates(START, LA, now=NOW)
    assert dates[TimePoint.BASELINE] == START - timedelta(days=7)
    assert dates[TimePoint.DAY_7] == datetime(2026, 12, 21, 10, 0, tzinfo=LA)
    assert dates[TimePoint.MONTH_1] == datetime(2027, 1, 14, 10, 0, tzinfo=LA)
    assert dates[TimePoint.MONTH_12] == datetime(2027, 12, 14, 10, 0, tzinfo=LA)


def test_it_clamps_a_month_to_its_last_day() -> None:
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2026, 12, 31), 3) == date(2027, 3, 31)


def test_it_asks_for_the_baseline_at_once_when_the_procedure_is_close() -> None:
    now = START - timedelta(days=2)
    assert due_dates(START, LA, now=now)[TimePoint.BASELINE] == now


@pytest.mark.django_db
def test_it_makes_the_schedule_when_the_procedure_is_booked_and_moves_it_with_the_date(
    booked: Any, sam: Any, rooms: Any,
) -> None:
    from kyphoplan.pathway.services import book

    rows = {c.timepoint: c for c in CheckIn.objects.filter(case=booked)}
    assert set(rows) == set(TimePoint.values)
    assert booked.followup.levels == 2 and booked.liaison.steps.count() == 6
    later = START + timedelta(days=7)
    book(sam, booked, room=rooms["room1"], start=later, ip=None, now=NOW)
    moved = {c.timepoint: c for c in CheckIn.objects.filter(case=booked)}
    assert moved[TimePoint.DAY_7].due_at == datetime(2026, 12, 28, 10, 0, tzinfo=LA)
    assert moved[TimePoint.BASELINE].closes_at == later
    assert all(c.status == CheckInStatus.SCHEDULED for c in moved.values())
    assert booked.liaison.__class__.objects.get(case=booked).procedure_at == later
