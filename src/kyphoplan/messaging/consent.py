"""Consent per number and purpose: read the newest row, revoke at once, never re-grant by itself."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.cases import roles
from kyphoplan.cases.models import Case
from kyphoplan.messaging.gate import purpose_of
from kyphoplan.messaging.models import ConsentSource, ConsentState, InboundMessage, Purpose, SmsConsent
from kyphoplan.outbox.models import MessageChannel, MessageStatus, OutboxMessage
from kyphoplan.outbox.redact import sweep
from kyphoplan.reminders.models import LIVE, Reminder, ReminderChannel, ReminderStatus
from kyphoplan.staff.roles import Role

# Who may record that a patient asked for texts again (a clinical conversation, not scheduling).
RECORD_CONSENT = frozenset({Role.NURSE, Role.ADMIN})


class ConsentError(ValueError):
    pass


OPTED_OUT = "opted out by text (STOP)"


def current_state(phone: str, purpose: Purpose) -> ConsentState | None:
    row = SmsConsent.objects.filter(phone_e164=phone, purpose=purpose).order_by("-at", "-id").first()
    return ConsentState(row.state) if row else None


def may_text(phone: str, purpose: Purpose, *, case_opted_in: bool) -> bool:
    """An opt-out on the number wins over every case on it; otherwise the case's own consent
    (given on the form or at intake) or a recorded grant."""
    if not phone:
        return False
    state = current_state(phone, purpose)
    if state == ConsentState.REVOKED:
        return False
    return state == ConsentState.GRANTED or case_opted_in


def outbox_refusal(phone: str) -> str:
    """The outbox's question (outbox.optouts) for the texts it sends, which have no case: the
    confirmation of a call-back request, about arranging a visit, so the appointment purpose.
    A revoked number is refused; the patient's tick on the form is the consent otherwise."""
    return OPTED_OUT if current_state(phone, Purpose.APPOINTMENT) == ConsentState.REVOKED else ""


def stopped_number(reminder: Reminder) -> str:
    """Checked by the reminder worker just before a text goes (reminders.delivery.VETOES): a
    number that texted STOP gets nothing for that purpose, whatever queued it later (a re-signed
    plan, a link sent by staff), until staff record a new consent."""
    if reminder.channel != ReminderChannel.SMS:
        return ""
    state = current_state(reminder.to, purpose_of(reminder.kind))
    return OPTED_OUT if state == ConsentState.REVOKED else ""


def revoke_number(phone: str, *, inbound: InboundMessage | None, now: datetime) -> int:
    """STOP: every purpose on this number, at once; queued texts to it are cancelled.
    Returns how many queued texts were stopped."""
    with transaction.atomic():
        for purpose in Purpose:
            SmsConsent.objects.create(phone_e164=phone, purpose=purpose, state=ConsentState.REVOKED,
                                      source=ConsentSource.KEYWORD, at=now, inbound=inbound)
        stopped = Reminder.objects.filter(to=phone, channel=ReminderChannel.SMS, status__in=LIVE).update(
            status=ReminderStatus.CANCELLED, last_error=OPTED_OUT, claim_token="")
        stopped += OutboxMessage.objects.filter(
            to=phone, channel=MessageChannel.SMS, status__in=[MessageStatus.PENDING, MessageStatus.CLAIMED]).update(
            status=MessageStatus.CANCELLED, error=OPTED_OUT, claim_token="")
        sweep(Reminder, [ReminderStatus.CANCELLED], now)  # a cancelled check-in text keeps no link
        record(None, Action.UPDATE, ip=None, object_type="sms_consent", object_id=inbound.pk if inbound else "",
               at=now, username="patient-sms", detail={"revoked": [p.value for p in Purpose], "stopped": stopped})
    return stopped


def grant(acting_user: User, phone: str, purpose: Purpose, *, reason: str, ip: str | None,
          now: datetime) -> SmsConsent:
    """Staff record that the patient asked to get texts again (never automatic, REFERENCE §13b),
    with how they asked ("asked by phone 2026-11-20"). The newest row wins over an opt-out."""
    roles.require(acting_user, RECORD_CONSENT, ip=ip, what="sms consent")
    reason = " ".join(reason.split())
    if len(reason) < 5:
        raise ConsentError("say how the patient asked (for example: asked by phone 2026-11-20)")
    with transaction.atomic():
        row = SmsConsent.objects.create(phone_e164=phone, purpose=purpose, state=ConsentState.GRANTED,
                                        source=ConsentSource.STAFF, at=now, recorded_by=acting_user,
                                        reason=reason[:300])
        record(acting_user, Action.CREATE, ip=ip, object_type="sms_consent", object_id=row.pk, at=now,
               detail={"purpose": purpose.value, "phone": phone, "reason": reason[:300],
                       "shared_by": Case.objects.filter(phone_e164=phone).count()})
    return row
