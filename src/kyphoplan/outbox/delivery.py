"""Queue and deliver staff emails, on the leased mechanism of outbox.leases.

A refused connection is retried with a backoff (the server never had the message); a
failure after the point of no return leaves the message IN_DOUBT for a person; a refused
recipient or sender is FAILED. Nothing is ever sent twice without a person deciding.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
from datetime import datetime, timedelta

from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from kyphoplan.outbox import leases
from kyphoplan.outbox.models import LIFECYCLE, MessageStatus, OutboxMessage

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 6
BATCH = 100


def enqueue(*, kind: str, to: str, subject: str, body: str, now: datetime) -> OutboxMessage:
    """Call inside the transaction that makes the change, so both commit or neither."""
    return OutboxMessage.objects.create(kind=kind, to=to, subject=subject, body=body, created_at=now,
                                        next_attempt_at=now)


def claim(message_id: int, now: datetime) -> bool:
    """True if this caller won the message. Only one caller can while the lease runs."""
    return bool(OutboxMessage.objects.filter(leases.due(LIFECYCLE, now), pk=message_id).update(
        status=MessageStatus.CLAIMED, claimed_at=now, lease_until=now + LEASE, claim_token=""))


def recover(now: datetime) -> int:
    return leases.recover(OutboxMessage, LIFECYCLE, now, "worker stopped while handing the message over")


def _settle(pk: int, token: str, status: MessageStatus, **fields: object) -> None:
    OutboxMessage.objects.filter(pk=pk, claim_token=token,
                                 status__in=[MessageStatus.CLAIMED, MessageStatus.SENDING]).update(
        status=status, **fields)


def deliver_one(pk: int, token: str, connection: BaseEmailBackend, now: datetime) -> MessageStatus | None:
    msg = OutboxMessage.objects.get(pk=pk)
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as exc:
        # The server never had the message: waiting again, later, unless tried too often.
        attempts = msg.attempts + 1
        final = attempts >= MAX_ATTEMPTS
        _settle(pk, token, MessageStatus.FAILED if final else MessageStatus.PENDING, attempts=attempts,
                next_attempt_at=now + leases.backoff(attempts), error=f"connect: {type(exc).__name__}"[:300])
        log.warning("outbox message %s: %s", pk, type(exc).__name__)
        return MessageStatus.FAILED if final else MessageStatus.PENDING
    if not leases.to_sending(OutboxMessage, LIFECYCLE, pk, token, timezone.now() + LEASE):
        return None
    try:
        EmailMessage(msg.subject, msg.body, to=[msg.to], connection=connection).send()
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
        _settle(pk, token, MessageStatus.FAILED, error=f"refused: {type(exc).__name__}")
        return MessageStatus.FAILED
    except Exception as exc:  # the server may or may not have it: a person decides
        with contextlib.suppress(Exception):
            connection.close()
        _settle(pk, token, MessageStatus.IN_DOUBT, error=f"while sending: {type(exc).__name__}"[:300])
        log.warning("outbox message %s in doubt: %s", pk, type(exc).__name__)
        return MessageStatus.IN_DOUBT
    _settle(pk, token, MessageStatus.SENT, sent_at=timezone.now(), error="")
    return MessageStatus.SENT


def run_once(limit: int = BATCH, now: datetime | None = None) -> dict[str, int]:
    """One batch: recover rows of dead workers, claim up to `limit`, send them. Counts by outcome."""
    counts: dict[str, int] = {}
    recover(now or timezone.now())
    won = leases.claim_batch(OutboxMessage, LIFECYCLE, now or timezone.now(), limit, LEASE)
    if not won:
        return counts
    connection = get_connection()
    try:
        for pk, token in won:
            status = deliver_one(pk, token, connection, timezone.now())
            key = str(status) if status else "lost"
            counts[key] = counts.get(key, 0) + 1
    finally:
        connection.close()
    return counts


def deliver_pending(limit: int = BATCH) -> tuple[int, int]:
    """Send up to `limit` waiting messages. Returns (sent, not sent)."""
    counts = run_once(limit)
    sent = counts.pop(str(MessageStatus.SENT), 0)
    return sent, sum(counts.values())
