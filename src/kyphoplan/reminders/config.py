"""Reminder settings from environment variables (typed, failing closed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from functools import cache

from kyphoplan.reminders.schedule import QuietHours
from kyphoplan.web.env import EnvError, env_int, env_str


@dataclass(frozen=True)
class SmsSettings:
    api_url: str
    account_sid: str
    auth_token: str
    sender: str

    @property
    def configured(self) -> bool:
        return bool(self.account_sid and self.auth_token and self.sender)


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
        sms=SmsSettings(
            api_url=env_str("KYPHOPLAN_SMS_API_URL", "https://api.twilio.com").rstrip("/"),
            account_sid=env_str("KYPHOPLAN_SMS_ACCOUNT_SID"),
            auth_token=env_str("KYPHOPLAN_SMS_AUTH_TOKEN"),
            sender=env_str("KYPHOPLAN_SMS_FROM"),
        ),
    )


@cache
def get_config() -> ReminderConfig:
    return load_config()
