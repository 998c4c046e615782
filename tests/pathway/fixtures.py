"""Fixtures shared by the pathway tests: Nora the nurse coordinator, Maria's case, rooms.

Imported by each pathway test package's conftest (the top-level conftest belongs to
the web app)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

LA = ZoneInfo("America/Los_Angeles")
# Monday 14 December 2026, 08:00 in the practice's zone; "now" is two weeks before.
START = datetime(2026, 12, 14, 8, 0, tzinfo=LA)
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=LA)

MARIA_INTAKE = {
    "medicines": [{"text": "Plavix 75 mg once daily", "unsure": False},
                  {"text": "metformin 500 mg twice a day", "unsure": False},
                  {"text": "little white pill for my heart", "unsure": True}],
    "allergies": [{"substance": "shellfish", "reaction": "hives"}],
    "diabetes": "type2", "insulin": False, "kidney": "no", "smoker": False, "has_escort": True,
    "escort_name": "Luis, son", "weight_kg": 58.0, "height_cm": 157.0,
}


def future_monday() -> datetime:
    """A Monday two to three weeks from the real today, 08:00 at the practice: for tests that
    go through the web (views read the real clock) and need every hold still ahead."""
    from datetime import time, timedelta

    from django.utils import timezone

    from kyphoplan.web.practice import get_practice

    hours = get_practice().hours
    day = timezone.now().astimezone(hours.zone).date() + timedelta(days=14)
    day += timedelta(days=(7 - day.weekday()) % 7)
    while day in hours.holidays:
        day += timedelta(days=7)
    return datetime.combine(day, time(8, 0), tzinfo=hours.zone)


def acknowledge_all(version: Any) -> list[Any]:
    """What a clinician who read every open high flag ticks before signing."""
    from kyphoplan.plans.services import Acknowledgement, open_high_flags

    return [Acknowledgement(f["code"], f["drug"], "read") for f in open_high_flags(version)]


def sign_all(user: Any, version: Any, now: datetime) -> Any:
    """Sign through the pathway, every high flag acknowledged."""
    from kyphoplan.pathway.services import sign

    return sign(user, version, acknowledged=acknowledge_all(version), ip=None, now=now)


@pytest.fixture
def nora(make_staff: Callable[..., Any]) -> Any:
    from kyphoplan.staff.roles import Role

    return make_staff("nora", Role.NURSE)


@pytest.fixture
def rooms(db: Any) -> dict[str, Any]:
    from kyphoplan.booking.models import Resource, ResourceKind

    return {
        "room1": Resource.objects.create(name="Room 1", kind=ResourceKind.ROOM),
        "room2": Resource.objects.create(name="Room 2", kind=ResourceKind.ROOM),
        "bed1": Resource.objects.create(name="Bed 1", kind=ResourceKind.BED),
    }


@pytest.fixture
def maria_case(db: Any, sam: Any) -> Any:
    from datetime import date

    from kyphoplan.cases.services import CaseDetails, open_case

    details = CaseDetails(
        patient_name="Maria Testpatient", phone_e164="+14155550132", email="maria@example.org", language="es",
        birth_date=date(1948, 3, 2), sex="female", referring_clinician="Dr. Okafor",
        referral_reason="L1 fracture, pain 8/10", imaging_levels=("L1",), mri_edema=True,
        imaging_date=date(2026, 11, 20), levels_to_treat=("T12", "L1"), target_start=START,
        sms_reminders=True,
    )
    return open_case(sam, details, ip="127.0.0.1", now=NOW)


@pytest.fixture
def maria_submitted(maria_case: Any) -> Any:
    """Maria's intake, saved by herself and submitted: the engine has made version 1."""
    from kyphoplan.pathway.services import save_intake, submit_intake

    save_intake(maria_case, MARIA_INTAKE, acting_user=None, ip="127.0.0.1", now=NOW)
    submit_intake(maria_case, acting_user=None, ip="127.0.0.1", now=NOW)
    maria_case.refresh_from_db()
    return maria_case
