"""Every kind of outgoing message registers here, so one page lists the ones that failed
or may have been sent, and a person settles them the same way whatever the kind.

The outbox registers staff emails; other apps register their tables in their AppConfig.ready
(reminders: patient reminders and links), so this low app never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Stuck:
    source: str
    pk: int
    kind: str
    to: str
    status: str  # the status label
    in_doubt: bool
    error: str
    attempts: int
    since: datetime | None
    link: str = ""  # a page about the record the message belongs to, if any


@dataclass(frozen=True)
class Source:
    label: str
    stuck: Callable[[int], list[Stuck]]  # newest first, at most N
    # (acting user, pk, resend?, ip, now) → True if the row was settled
    settle: Callable[[Any, int, bool, str | None, datetime], bool]


SOURCES: dict[str, Source] = {}


def register(key: str, source: Source) -> None:
    SOURCES[key] = source
