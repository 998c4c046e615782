"""The practice's own facts (name, hours, holidays, service level), from environment variables."""

from __future__ import annotations

from datetime import date, time
from functools import cache
from zoneinfo import ZoneInfo

import phonenumbers

from kyphoplan.callbacks.hours import BusinessHours, Practice, us_office_holidays
from kyphoplan.clinical.facts import time_zone
from kyphoplan.web.env import EnvError, env_int, env_list, env_str

_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _time(name: str, default: str) -> time:
    raw = env_str(name, default)
    try:
        return time.fromisoformat(raw)
    except ValueError as exc:
        raise EnvError(f"{name} must look like 08:00, not {raw!r}") from exc


def _zone() -> ZoneInfo:
    name = env_str("KYPHOPLAN_TIME_ZONE", "America/Los_Angeles")
    try:
        return time_zone(name)
    except ValueError:
        raise EnvError(f"KYPHOPLAN_TIME_ZONE must be an IANA zone such as America/Los_Angeles, not {name!r}") from None


def load_practice() -> Practice:
    zone = _zone()
    days = env_list("KYPHOPLAN_OPEN_DAYS", _DAYS[:5])
    unknown = [d for d in days if d.lower() not in _DAYS]
    if unknown:
        raise EnvError(f"KYPHOPLAN_OPEN_DAYS has unknown days: {unknown}")
    holiday_list = env_list("KYPHOPLAN_HOLIDAYS", [])
    if holiday_list:
        try:
            holidays = frozenset(date.fromisoformat(d) for d in holiday_list)
        except ValueError as exc:
            raise EnvError("KYPHOPLAN_HOLIDAYS must be dates like 2026-12-25") from exc
    else:
        holidays = us_office_holidays(range(2024, 2036))
    hours = BusinessHours(
        zone=zone,
        open_weekdays=frozenset(_DAYS.index(d.lower()) for d in days),
        opens=_time("KYPHOPLAN_OPENS", "08:00"),
        closes=_time("KYPHOPLAN_CLOSES", "17:00"),
        holidays=holidays,
    )
    return Practice(
        name=env_str("KYPHOPLAN_PRACTICE_NAME", "Kyphoplan demo practice"),
        phone=env_str("KYPHOPLAN_PRACTICE_PHONE", "+1 555 010 0100"),
        address=env_str("KYPHOPLAN_PRACTICE_ADDRESS", "100 Example Street, Springfield"),
        scheduling_inbox=env_str("KYPHOPLAN_SCHEDULING_INBOX", "scheduling@example.org"),
        hours=hours,
        callback_sla_hours=env_int("KYPHOPLAN_CALLBACK_SLA_HOURS", 4, minimum=1),
    )


@cache
def get_practice() -> Practice:
    return load_practice()


@cache
def get_phone_region() -> str:
    """Region for phone numbers typed without +country (callbacks form)."""
    region = env_str("KYPHOPLAN_PHONE_REGION", "US").upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise EnvError(f"KYPHOPLAN_PHONE_REGION must be a two-letter region such as US, not {region!r}")
    return region
