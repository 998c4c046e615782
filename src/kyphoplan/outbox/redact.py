"""A message that carries a secret link (a patient's check-in, intake or plan link; a staff
set-password link) keeps it in its stored body only while it may still be sent. Once the
message is sent, has finally failed, or was cancelled, the link is replaced by a marker and the
rest of the body stays, so staff still see what went out.

Both outbox tables (reminders.Reminder for patients, outbox.OutboxMessage for staff) use this:
`carries_link` is set when the row is made; `link_removed_at` once the body is redacted. A
row in doubt keeps its link until a person decides (sending it again needs it); a row whose
link was removed is never sent again (a new link is issued instead).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db.models import Model

REDACTED = "[link removed after sending]"
URL = re.compile(r"https?://[^\s<>\"']+")


def redact_links(body: str) -> str:
    """Every web address in the body replaced by the marker; nothing else changes."""
    return URL.sub(REDACTED, body)


def scrubbed(body: str, now: datetime) -> dict[str, Any]:
    """The fields to write with the status change that ends the row's life."""
    return {"body": redact_links(body), "link_removed_at": now}


def sweep(model: type[Model], finished: Sequence[str], now: datetime, limit: int = 500) -> int:
    """Redact rows that ended without passing through a send (cancelled in bulk, for example).
    Indexed: only rows still carrying a link are looked at."""
    manager: Any = model._default_manager
    done = 0
    rows = manager.filter(carries_link=True, link_removed_at__isnull=True, status__in=finished)
    for pk, body in rows.values_list("pk", "body")[:limit]:
        done += manager.filter(pk=pk, link_removed_at__isnull=True, status__in=finished).update(
            **scrubbed(body, now))
    return done
