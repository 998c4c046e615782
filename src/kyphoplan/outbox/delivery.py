"""Queue and deliver the outbox's messages (staff emails, call-back confirmations by email
and by text), on the leased mechanism of outbox.leases.

A refused connection is retried with a backoff (the provider never had the message); a
failure after the point of no return leaves the message IN_DOUBT for a person; a refused
recipient or sender is FAILED. Nothing is ever sent twice without a person deciding. A text
goes through the same SMS sender as reminders (outbox.providers), only to a number that has
not said STOP (outbox.optouts), and never after its `not_after`.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
from datetime import datetime, timedelta

from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from kyphoplan.outbox import leases, optouts
from kyphoplan.outbox.models import LIFECYCLE, MessageChannel, MessageStatus, OutboxMessage
from kyphoplan.outbox.providers import (
    InDoubt,
    Outgoing,
    PermanentFailure,
    TemporaryFailure,
    get_sms_settings,
    send_sms,
)
from kyphoplan.outbox.redact import scrubbed, sweep

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 6
BATCH = 100


FINISHED = [MessageStatus.SENT, MessageStatus.FAILED, MessageStatus.CANCELLED]


class _LostClaim(RuntimeError):
    pass


def enqueue(*, kind: str, to: str, subject: str, body: str, now: datetime,
            channel: MessageChannel = MessageChannel.EMAIL, about: tuple[str, object] | None = None,
            not_after: datetime | None = None, secret_link: bool = False) -> OutboxMessage:
    """Call inside the transaction that makes the change, so both commit or neither.
    `about`: the record the message is about, (object type, id) as in the audit trail. A body
    with a secret link (`secret_link`) keeps it only until the message is done (outbox.redact)."""
    about_type, about_id = about if about else ("", "")
    return OutboxMessage.objects.create(kind=kind, channel=channel, to=to, subject=subject, body=body,
                                        created_at=now, next_attempt_at=now, not_after=not_after,
                                        about_type=about_type, about_id=str(about_id), carries_link=secret_link)


def _redact(msg: OutboxMessage, now: datetime) -> dict[str, object]:
    return scrubbed(msg.body, now) if msg.carries_link else {}


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


def _not_yet(msg: OutboxMessage, token: str, attempts: int, now: datetime, error: str) -> MessageStatus:
    """The provider never had the message: waiting again, later, unless tried too often."""
    pk = msg.pk
    final = attempts >= MAX_ATTEMPTS
    status = MessageStatus.FAILED if final else MessageStatus.PENDING
    _settle(pk, token, status, attempts=attempts, next_attempt_at=now + leases.backoff(attempts), error=error[:300],
            **(_redact(msg, now) if final else {}))
    log.warning("outbox message %s: %s", pk, error)
    return status


def deliver_one(pk: int, token: str, connection: BaseEmailBackend, now: datetime) -> MessageStatus | None:
    msg = OutboxMessage.objects.get(pk=pk)
    if msg.not_after is not None and now > msg.not_after:
        _settle(pk, token, MessageStatus.CANCELLED, error=f"not sent: too late (it had to go by "
                                                          f"{msg.not_after:%Y-%m-%d %H:%M} UTC)")
        return MessageStatus.CANCELLED
    if msg.channel == MessageChannel.SMS:
        return _deliver_text(msg, token, now)
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as exc:
        return _not_yet(msg, token, msg.attempts + 1, now, f"connect: {type(exc).__name__}")
    if not leases.to_sending(OutboxMessage, LIFECYCLE, pk, token, timezone.now() + LEASE):
        return None
    try:
        EmailMessage(msg.subject, msg.body, to=[msg.to], connection=connection).send()
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
        _settle(pk, token, MessageStatus.FAILED, error=f"refused: {type(exc).__name__}", **_redact(msg, now))
        return MessageStatus.FAILED
    except Exception as exc:  # the server may or may not have it: a person decides
        with contextlib.suppress(Exception):
            connection.close()
        _settle(pk, token, MessageStatus.IN_DOUBT, error=f"while sending: {type(exc).__name__}"[:300])
        log.warning("outbox message %s in doubt: %s", pk, type(exc).__name__)
        return MessageStatus.IN_DOUBT
    _settle(pk, token, MessageStatus.SENT, sent_at=timezone.now(), error="", **_redact(msg, timezone.now()))
    return MessageStatus.SENT


def _deliver_text(msg: OutboxMessage, token: str, now: datetime) -> MessageStatus | None:
    pk = msg.pk
    refused = optouts.refusal(msg.to)
    if refused:
        _settle(pk, token, MessageStatus.CANCELLED, error=refused[:300])
        return MessageStatus.CANCELLED

    def commit_point() -> None:
        if not leases.to_sending(OutboxMessage, LIFECYCLE, pk, token, timezone.now() + LEASE):
            raise _LostClaim  # cancelled (STOP), or the lease ran out and another worker has it

    try:
        provider_id = send_sms(Outgoing(key=f"outbox-{pk}", to=msg.to, subject="", body=msg.body), commit_point,
                               get_sms_settings())
    except _LostClaim:
        return None
    except InDoubt as exc:
        _settle(pk, token, MessageStatus.IN_DOUBT, error=str(exc)[:300])
        return MessageStatus.IN_DOUBT
    except PermanentFailure as exc:
        _settle(pk, token, MessageStatus.FAILED, error=str(exc)[:300], **_redact(msg, now))
        return MessageStatus.FAILED
    except TemporaryFailure as exc:
        # One try counts once: SENDING (past the point of no return) has already counted it.
        attempts, status = OutboxMessage.objects.values_list("attempts", "status").get(pk=pk)
        return _not_yet(msg, token, attempts + (1 if status == MessageStatus.CLAIMED else 0), now, str(exc))
    _settle(pk, token, MessageStatus.SENT, sent_at=timezone.now(), provider_message_id=provider_id[:200], error="",
            **_redact(msg, timezone.now()))
    return MessageStatus.SENT


def run_once(limit: int = BATCH, now: datetime | None = None) -> dict[str, int]:
    """One batch: recover rows of dead workers, claim up to `limit`, send them. Counts by outcome."""
    counts: dict[str, int] = {}
    recover(now or timezone.now())
    sweep(OutboxMessage, FINISHED, now or timezone.now())
    won = leases.claim_batch(OutboxMessage, LIFECYCLE, now or timezone.now(), limit, LEASE)
    if not won:
        return counts
    connection = get_connection()  # opened by the first email of the batch, if any
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
