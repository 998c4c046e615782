"""The reminder worker: claim with a lease, send once, record the provider's id.

At most once per idempotency key (the row's unique `key`):
1. claim: CLAIMED with a lease and a fresh claim token (conditional UPDATE, one winner);
2. just before the provider can have the message: SENDING (conditional on our token);
3. the provider answers: SENT with its message id, or back to SCHEDULED with backoff,
   or FAILED.
A worker that dies in 1 leaves a CLAIMED row: the lease runs out and another worker
sends it. A worker that dies in 2 leaves a SENDING row: when the lease runs out it
becomes IN_DOUBT and is never sent again automatically; a person checks it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from kyphoplan.outbox import leases
from kyphoplan.outbox.leases import Lifecycle
from kyphoplan.outbox.providers import (
    InDoubt,
    Outgoing,
    PermanentFailure,
    TemporaryFailure,
    send_email,
    send_sms,
)
from kyphoplan.outbox.redact import scrubbed, sweep
from kyphoplan.reminders.config import get_config
from kyphoplan.reminders.models import Reminder, ReminderStatus
from kyphoplan.reminders.schedule import backoff

log = logging.getLogger(__name__)
# Links staff chose to send go out even to a patient who opted out of reminders.
STAFF_SENT = ("intake-link", "plan-link")
# Done: a link in the body is redacted (outbox.redact). In doubt is not done: a person decides.
FINISHED = [ReminderStatus.SENT, ReminderStatus.FAILED, ReminderStatus.CANCELLED]
Clock = Callable[[], datetime]


# Other apps may refuse a message at send time (messaging: a number that texted STOP), registered
# from their AppConfig.ready so this app imports none of them. A veto returns why, or "".
Veto = Callable[[Reminder], str]
VETOES: list[Veto] = []


class LostClaim(RuntimeError):
    pass


# Reminders ride the one delivery mechanism (outbox.leases), as staff emails do.
LIFECYCLE = Lifecycle(waiting=ReminderStatus.SCHEDULED, claimed=ReminderStatus.CLAIMED,
                      sending=ReminderStatus.SENDING, sent=ReminderStatus.SENT, in_doubt=ReminderStatus.IN_DOUBT,
                      failed=ReminderStatus.FAILED)


def recover(now: datetime) -> int:
    """Rows left SENDING by a worker whose lease ran out: in doubt, never resent."""
    return leases.recover(Reminder, LIFECYCLE, now, "worker stopped while handing the message over")


def claim_batch(now: datetime, limit: int) -> list[tuple[int, str]]:
    return leases.claim_batch(Reminder, LIFECYCLE, now, limit, timedelta(seconds=get_config().lease_seconds))


_mine = leases.mine


def deliver_one(pk: int, token: str, clock: Clock) -> ReminderStatus | None:
    r = Reminder.objects.select_related("case").get(pk=pk)
    clock()
    if r.case.reminders_opt_out and r.kind not in STAFF_SENT:
        Reminder.objects.filter(_mine(pk, token, ReminderStatus.CLAIMED)).update(
            status=ReminderStatus.CANCELLED, last_error="patient opted out")
        return ReminderStatus.CANCELLED
    why = next((reason for reason in (veto(r) for veto in VETOES) if reason), "")
    if why:
        Reminder.objects.filter(_mine(pk, token, ReminderStatus.CLAIMED)).update(
            status=ReminderStatus.CANCELLED, last_error=why[:300], **(scrubbed(r.body, clock()) if r.carries_link else {}))
        return ReminderStatus.CANCELLED
    if r.plan_version_id is not None and r.case.plan_versions.filter(pk__gt=r.plan_version_id).exists():
        # Belt and braces: a newer plan version exists, so this reminder may be out of date.
        Reminder.objects.filter(_mine(pk, token, ReminderStatus.CLAIMED)).update(
            status=ReminderStatus.CANCELLED, last_error="the plan changed")
        return ReminderStatus.CANCELLED
    lease = timedelta(seconds=get_config().lease_seconds)

    def commit_point() -> None:
        if not leases.to_sending(Reminder, LIFECYCLE, pk, token, clock() + lease):
            raise LostClaim  # cancelled, or the lease ran out and another worker has it

    out = Outgoing(key=r.key, to=r.to, subject=r.subject, body=r.body)
    try:
        if r.channel == "email":
            provider_id = send_email(out, commit_point)
        else:
            provider_id = send_sms(out, commit_point, get_config().sms)
    except LostClaim:
        return None
    except InDoubt as exc:
        Reminder.objects.filter(_mine(pk, token, ReminderStatus.SENDING)).update(
            status=ReminderStatus.IN_DOUBT, last_error=str(exc)[:300])
        return ReminderStatus.IN_DOUBT
    except (TemporaryFailure, PermanentFailure) as exc:
        return _failed(pk, token, exc, clock())
    fields: dict[str, object] = {"status": ReminderStatus.SENT, "provider_message_id": provider_id[:200],
                                 "sent_at": clock(), "last_error": ""}
    if r.carries_link:
        fields.update(scrubbed(r.body, clock()))
    Reminder.objects.filter(_mine(pk, token, ReminderStatus.SENDING)).update(**fields)
    return ReminderStatus.SENT


def _failed(pk: int, token: str, exc: Exception, now: datetime) -> ReminderStatus:
    r = Reminder.objects.get(pk=pk)
    attempts = r.attempts + (1 if r.status == ReminderStatus.CLAIMED else 0)
    final = isinstance(exc, PermanentFailure) or attempts >= get_config().max_attempts
    status = ReminderStatus.FAILED if final else ReminderStatus.SCHEDULED
    redact = scrubbed(r.body, now) if final and r.carries_link else {}
    Reminder.objects.filter(Q(pk=pk, claim_token=token)
                            & Q(status__in=[ReminderStatus.CLAIMED, ReminderStatus.SENDING])).update(
        status=status, attempts=attempts, next_attempt_at=now + backoff(attempts), claim_token="",
        last_error=str(exc)[:300], **redact)
    log.warning("reminder %s: %s (%s)", pk, type(exc).__name__, status)
    return status


def run_once(limit: int = 50, clock: Clock = timezone.now) -> dict[str, int]:
    counts: dict[str, int] = {}
    recover(clock())
    sweep(Reminder, FINISHED, clock())  # cancelled rows (STOP, a new plan) keep no link either
    for pk, token in claim_batch(clock(), limit):
        status = deliver_one(pk, token, clock)
        key = str(status) if status else "lost"
        counts[key] = counts.get(key, 0) + 1
    return counts
