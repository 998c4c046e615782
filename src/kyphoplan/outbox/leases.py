"""The one delivery mechanism every outgoing message uses: claim with a lease, mark the
point of no return, settle. Messages with no case (outbox.OutboxMessage: staff emails,
call-back confirmations by email and text) and patient reminders (reminders.Reminder) are
two tables on this one mechanism.

1. claim: a due row (or one whose claim's lease ran out: its worker died before sending)
   becomes CLAIMED with a fresh token and a lease, by a conditional UPDATE only one
   worker can win;
2. just before the provider can have the message: SENDING, conditional on the token;
3. the provider answers: SENT, or back to waiting with a backoff, or FAILED.
A row left SENDING when its lease runs out becomes IN_DOUBT and is never sent again
on its own: a person decides (the failed-messages page, outbox.views).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import F, Model, Q


@dataclass(frozen=True)
class Lifecycle:
    """The status values a table uses for each step (each table keeps its own names)."""

    waiting: str
    claimed: str
    sending: str
    sent: str
    in_doubt: str
    failed: str


def backoff(attempts: int) -> timedelta:
    """Wait before retry number `attempts` (1-based): 1, 5, 25 minutes, then 2 hours."""
    return timedelta(minutes=min(5 ** (max(attempts, 1) - 1), 120))


def due(states: Lifecycle, now: datetime) -> Q:
    return (Q(status=states.waiting, next_attempt_at__lte=now)
            | Q(status=states.claimed, lease_until__lt=now)
            | Q(status=states.claimed, lease_until__isnull=True))


def recover(model: type[Model], states: Lifecycle, now: datetime, in_doubt_error: str) -> int:
    """Rows left SENDING by a worker whose lease ran out: in doubt, never resent."""
    return model._default_manager.filter(status=states.sending, lease_until__lt=now).update(
        status=states.in_doubt, **{_error_field(model): in_doubt_error})


def claim_batch(model: type[Model], states: Lifecycle, now: datetime, limit: int,
                lease: timedelta) -> list[tuple[int, str]]:
    """Up to `limit` due rows, oldest first, each won by this caller alone: (pk, token)."""
    manager: Any = model._default_manager
    cond = due(states, now)
    won = []
    for pk in manager.filter(cond).order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit]:
        token = str(uuid.uuid4())
        if manager.filter(cond, pk=pk).update(status=states.claimed, claim_token=token, lease_until=now + lease):
            won.append((pk, token))
    return won


def mine(pk: int, token: str, status: str) -> Q:
    return Q(pk=pk, claim_token=token, status=status)


def to_sending(model: type[Model], states: Lifecycle, pk: int, token: str, until: datetime) -> bool:
    """The point of no return. False if the claim was lost (cancelled, or the lease ran out)."""
    manager: Any = model._default_manager
    return bool(manager.filter(mine(pk, token, states.claimed)).update(
        status=states.sending, attempts=F("attempts") + 1, lease_until=until))


def _error_field(model: type[Model]) -> str:
    return "last_error" if any(f.name == "last_error" for f in model._meta.fields) else "error"
