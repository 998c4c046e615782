"""Every KYPHOPLAN_* setting, read and checked once at start-up into one typed object.

`settings.py` builds `KYPHOPLAN = read_settings()` when it is imported, so `manage.py`,
gunicorn and the workers stop before serving anything if a value is malformed, with
one line naming the variable (`kyphoplan: error: KYPHOPLAN_OPENS must look like 08:00,
not 'nine'`). The same reading is a Django system check (`manage.py check`).

Each app keeps its own typed reader and cached getter (`get_practice()`, the pathway,
booking and reminder `get_config()`/`get_rules()`); reading them here fills those
caches at start-up, so nothing is read for the first time on a patient's request.
The variables themselves are listed in docs/deploy.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from kyphoplan.booking.config import get_rules
from kyphoplan.booking.slots import BookingRules
from kyphoplan.callbacks.hours import Practice
from kyphoplan.cases.config import PathwayConfig
from kyphoplan.cases.config import get_config as get_pathway_config
from kyphoplan.outbox.providers import get_sms_settings
from kyphoplan.reminders.config import ReminderConfig
from kyphoplan.reminders.config import get_config as get_reminder_config
from kyphoplan.web.env import EnvError, env_str
from kyphoplan.web.practice import get_phone_region, get_practice

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


@dataclass(frozen=True)
class KyphoplanSettings:
    practice: Practice
    pathway: PathwayConfig
    booking: BookingRules
    reminders: ReminderConfig
    phone_region: str
    cds_hooks_issuers: tuple[str, ...]
    smart_launch_ehrs: tuple[str, ...]
    smart_backend_clients: tuple[str, ...]


def _clear_caches() -> None:
    for getter in (get_practice, get_phone_region, get_pathway_config, get_rules, get_reminder_config,
                   get_sms_settings):
        getter.cache_clear()


def log_level() -> str:
    level = env_str("KYPHOPLAN_LOG_LEVEL", "INFO").upper()
    if level not in LOG_LEVELS:
        raise EnvError(f"KYPHOPLAN_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}")
    return level


def base_url() -> str:
    url = env_str("KYPHOPLAN_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    if not url.startswith(("https://", "http://")) or " " in url:
        raise EnvError(f"KYPHOPLAN_BASE_URL must be an http(s) address, not {url!r}")
    return url


def _issuers(raw: str) -> tuple[str, ...]:
    from kyphoplan.cdshooks.config import parse_issuers  # jwt's key parsing: only when configured

    if not raw.strip():
        return ()
    try:
        return tuple(parse_issuers(raw))
    except ImproperlyConfigured as exc:
        raise EnvError(f"KYPHOPLAN_CDS_HOOKS_ISSUERS: {exc}") from None


def _smart(name: str) -> tuple[str, ...]:
    # The SMART readers name the variable in their own ImproperlyConfigured message.
    from kyphoplan.ehr_import.backend import parse_backend_clients
    from kyphoplan.smart.config import parse_launch_ehrs

    parse = parse_launch_ehrs if name == "KYPHOPLAN_SMART_LAUNCH_EHRS" else parse_backend_clients
    raw = env_str(name)
    if not raw.strip():
        return ()
    try:
        return tuple(parse(raw))
    except ImproperlyConfigured as exc:
        raise EnvError(str(exc)) from None


def read_settings(*, fresh: bool = False) -> KyphoplanSettings:
    """Read every app-level setting; EnvError names the first malformed variable."""
    if fresh:
        _clear_caches()
    log_level()
    base_url()
    get_sms_settings()  # the outbox's texts (call-back confirmations); reminders read their own copy
    return KyphoplanSettings(
        practice=get_practice(),
        pathway=get_pathway_config(),
        booking=get_rules(),
        reminders=get_reminder_config(),
        phone_region=get_phone_region(),
        cds_hooks_issuers=_issuers(env_str("KYPHOPLAN_CDS_HOOKS_ISSUERS")),
        smart_launch_ehrs=_smart("KYPHOPLAN_SMART_LAUNCH_EHRS"),
        smart_backend_clients=_smart("KYPHOPLAN_SMART_BACKEND_CLIENTS"),
    )


def check_settings(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    """System check: the environment as it is now, read afresh."""
    from django.core import checks

    try:
        read_settings(fresh=True)
    except EnvError as exc:
        return [checks.Error(str(exc), id="kyphoplan.E001")]
    return []


