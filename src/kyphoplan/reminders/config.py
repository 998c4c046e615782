"""Reminder settings from environment variables (typed, failing closed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from functools import cache

from kyphoplan.outbox.providers import SmsSettings, load_sms_settings
from kyphoplan.reminders.schedule import QuietHours
from kyphoplan.web.env import EnvError, env_int, env_str


@dataclass(frozen=True)
class ReminderConfig:
    quiet: QuietHours
    lease_seconds: int
    max_attempts: int
    sms: SmsSettings


def _quiet(raw: str) -> QuietHours:
    try:
        start, end = (time.fromisoformat(part.strip()) for part in raw.split("-"))
    except ValueError as exc:
        raise EnvError(f"KYPHOPLAN_QUIET_HOURS must look like 21:00-08:00, not {raw!r}") from exc
    return QuietHours(start=start, end=end)


def load_config() -> ReminderConfig:
    return ReminderConfig(
        quiet=_quiet(env_str("KYPHOPLAN_QUIET_HOURS", "21:00-08:00")),
        lease_seconds=env_int("KYPHOPLAN_REMINDER_LEASE_SECONDS", 300, minimum=5),
        max_attempts=env_int("KYPHOPLAN_REMINDER_MAX_ATTEMPTS", 6, minimum=1),
        sms=load_sms_settings(),
    )


@cache
def get_config() -> ReminderConfig:
    return load_config()
