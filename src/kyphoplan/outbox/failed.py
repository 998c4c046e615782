"""The outbox's messages (staff emails, call-back confirmations) on the failed-messages page
(outbox.sources)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.outbox.models import MessageStatus, OutboxMessage
from kyphoplan.outbox.redact import scrubbed
from kyphoplan.outbox.sources import Source, Stuck, register

STUCK = [MessageStatus.FAILED, MessageStatus.IN_DOUBT]


def stuck(limit: int) -> list[Stuck]:
    rows = OutboxMessage.objects.filter(status__in=STUCK).order_by("-id")[:limit]
    return [Stuck(source="staff-email", pk=m.pk, kind=f"{m.kind} ({m.get_channel_display().lower()})", to=m.to,
                  status=m.get_status_display() + (" (link removed: ask for a new one)" if m.link_removed_at else ""),
                  in_doubt=m.status == MessageStatus.IN_DOUBT, error=m.error, attempts=m.attempts,
                  since=m.sent_at or m.next_attempt_at or m.created_at) for m in rows]


def settle(acting_user: Any, pk: int, resend: bool, ip: str | None, now: datetime) -> bool:
    """Send again (failed or in doubt), or record an in-doubt message as delivered."""
    with transaction.atomic():
        if resend:
            # A message whose secret link was removed cannot go again as it was: a new link is asked for.
            changed = OutboxMessage.objects.filter(pk=pk, status__in=STUCK, link_removed_at__isnull=True).update(
                status=MessageStatus.PENDING, attempts=0, next_attempt_at=now, claim_token="", not_after=None,
                error=f"sent again by {acting_user.get_username()}")
        else:
            msg = OutboxMessage.objects.filter(pk=pk).first()
            redact = scrubbed(msg.body, now) if msg is not None and msg.carries_link else {}
            changed = OutboxMessage.objects.filter(pk=pk, status=MessageStatus.IN_DOUBT).update(
                status=MessageStatus.SENT, sent_at=now, error=f"confirmed delivered by {acting_user.get_username()}",
                **redact)
        if changed:
            record(acting_user, Action.UPDATE, ip=ip, object_type="outboxmessage", object_id=pk, at=now,
                   detail={"resend": resend})
    return bool(changed)


def register_staff_email() -> None:
    register("staff-email", Source(label="Staff emails and call-back confirmations", stuck=stuck, settle=settle))
