"""The practice's booking rules, from environment variables (typed, failing closed)."""

from __future__ import annotations

from datetime import time
from functools import cache

from kyphoplan.booking.slots import BookingRuleError, BookingRules
from kyphoplan.web.env import EnvError, env_int, env_list, env_str
from kyphoplan.web.practice import get_practice

_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _time(name: str, default: str) -> time:
    raw = env_str(name, default)
    try:
        return time.fromisoformat(raw)
    except ValueError as exc:
        raise EnvError(f"{name} must look like 07:30, not {raw!r}") from exc


def load_rules() -> BookingRules:
    days = env_list("KYPHOPLAN_ROOM_DAYS", _DAYS[:5])
    if any(d.lower() not in _DAYS for d in days):
        raise EnvError("KYPHOPLAN_ROOM_DAYS has unknown days")
    try:
        return BookingRules(
            zone=get_practice().hours.zone,
            minutes_per_level=env_int("KYPHOPLAN_MINUTES_PER_LEVEL", 45, minimum=1),
            setup_minutes=env_int("KYPHOPLAN_SETUP_MINUTES", 15, minimum=0),
            recovery_minutes=env_int("KYPHOPLAN_RECOVERY_MINUTES", 120, minimum=0),
            arrive_minutes_before=env_int("KYPHOPLAN_ARRIVE_MINUTES_BEFORE", 60, minimum=0),
            opens=_time("KYPHOPLAN_ROOMS_OPEN", "07:30"),
            closes=_time("KYPHOPLAN_ROOMS_CLOSE", "17:00"),
            weekdays=frozenset(_DAYS.index(d.lower()) for d in days),
            overnight_discharge=_time("KYPHOPLAN_OVERNIGHT_DISCHARGE", "10:00"),
        )
    except BookingRuleError as exc:
        raise EnvError(f"booking settings: {exc}") from exc


@cache
def get_rules() -> BookingRules:
    return load_rules()
