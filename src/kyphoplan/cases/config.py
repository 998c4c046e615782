"""Pathway settings from environment variables (typed, failing closed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from kyphoplan.web.env import EnvError, env_int, env_str

PROTOCOLS = ("sir-2019", "asra-2018", "strictest")


@dataclass(frozen=True)
class PathwayConfig:
    protocol: str
    intake_link_days: int
    plan_link_days_after: int
    base_url: str

    @property
    def intake_link_lifetime(self) -> timedelta:
        return timedelta(days=self.intake_link_days)


def load_config() -> PathwayConfig:
    protocol = env_str("KYPHOPLAN_PROTOCOL", "sir-2019")
    if protocol not in PROTOCOLS:
        raise EnvError(f"KYPHOPLAN_PROTOCOL must be one of {', '.join(PROTOCOLS)}")
    return PathwayConfig(
        protocol=protocol,
        intake_link_days=env_int("KYPHOPLAN_INTAKE_LINK_DAYS", 14, minimum=1),
        plan_link_days_after=env_int("KYPHOPLAN_PLAN_LINK_DAYS_AFTER", 30, minimum=1),
        base_url=env_str("KYPHOPLAN_BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
    )


@cache
def get_config() -> PathwayConfig:
    return load_config()
