"""Queue and deliver outbox messages."""

from __future__ import annotations

import logging
from datetime import datetime

from django.core.mail import EmailMessage, get_connection
from django.utils import timezone

from kyphoplan.outbox.models import MessageStatus, OutboxMessage

log = logging.getLogger(__name__)


def enqueue(*, kind: str, to: str, subject: str, body: str, now: datetime) -> OutboxMessage:
    """Call inside the transaction that makes the change, so both commit or neither."""
    return OutboxMessage.objects.create(kind=kind, to=to, subject=subject, body=body, created_at=now)


def claim(message_id: int, now: datetime) -> bool:
    """True if this caller won the message. Only one caller ever can."""
    won = OutboxMessage.objects.filter(pk=message_id, status=MessageStatus.PENDING).update(
        status=MessageStatus.CLAIMED, claimed_at=now
    )
    return won == 1


def deliver_pending(limit: int = 100) -> tuple[int, int]:
    """Send up to `limit` waiting messages. Returns (sent, failed).

    A message that fails stays FAILED and is not retried on its own: a person
    looks at it. That keeps delivery at most once even if the SMTP server took
    the message and then dropped the connection.
    """
    sent = failed = 0
    ids = list(
        OutboxMessage.objects.filter(status=MessageStatus.PENDING)
        .order_by("created_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    if not ids:
        return 0, 0
    connection = get_connection()
    for message_id in ids:
        if not claim(message_id, timezone.now()):
            continue
        msg = OutboxMessage.objects.get(pk=message_id)
        try:
            EmailMessage(msg.subject, msg.body, to=[msg.to], connection=connection).send()
        except Exception as exc:  # any transport error: record it, move on
            OutboxMessage.objects.filter(pk=message_id).update(
                status=MessageStatus.FAILED, error=type(exc).__name__
            )
            log.warning("outbox message %s failed: %s", message_id, type(exc).__name__)
            failed += 1
        else:
            OutboxMessage.objects.filter(pk=message_id).update(
                status=MessageStatus.SENT, sent_at=timezone.now()
            )
            sent += 1
    return sent, failed
