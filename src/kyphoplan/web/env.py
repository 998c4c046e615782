"""Typed readers for settings that come from environment variables.

They fail closed: a value that is set but cannot be read is an error at start-up,
never a silent fallback to a default.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import unquote, urlparse

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class EnvError(RuntimeError):
    """A required environment variable is missing or malformed."""


def env_str(
    name: str, default: str | None = None, *, required: bool = False, environ: Mapping[str, str] | None = None
) -> str:
    env = os.environ if environ is None else environ
    value = env.get(name)
    if value is None or value == "":
        if required:
            raise EnvError(f"{name} must be set")
        if default is None:
            return ""
        return default
    return value


def env_bool(name: str, default: bool = False, *, environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    raw = env.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise EnvError(f"{name} must be 1 or 0, not {raw!r}")


def env_int(
    name: str, default: int, *, minimum: int | None = None, environ: Mapping[str, str] | None = None
) -> int:
    env = os.environ if environ is None else environ
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise EnvError(f"{name} must be a whole number, not {raw!r}") from exc
    if minimum is not None and value < minimum:
        raise EnvError(f"{name} must be at least {minimum}")
    return value


def env_list(name: str, default: list[str], *, environ: Mapping[str, str] | None = None) -> list[str]:
    env = os.environ if environ is None else environ
    raw = env.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def json_object_setting(raw: str, fail: Callable[[str], Exception], *, keyed_by: str) -> dict[str, Any]:
    """A setting that holds a JSON object (the SMART and CDS Hooks settings, keyed by a URL):
    {} when it is empty, the object otherwise. Anything else raises `fail(message)`, whose
    exception names the setting: not JSON (with where), or not an object."""
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise fail(f"not valid JSON ({exc.msg} at {exc.pos})") from None
    if not isinstance(data, dict):
        raise fail(f"must be an object keyed by {keyed_by}")
    return data


def database_from_url(url: str) -> dict[str, object]:
    """Turn `postgresql://user:pass@host:port/db` into a Django DATABASES entry."""
    parts = urlparse(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise EnvError(f"DATABASE_URL scheme {parts.scheme!r} is not supported (use postgresql://)")
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise EnvError("DATABASE_URL must name a database")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        # Reuse connections between requests in long-lived workers.
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }
