"""The patient's confirmation of a call-back request, on the channels they agreed to: an email
when they gave an address, a text when they ticked "you may send me text messages".

Both say only that we have the request, its reference and when we will call: no name, no
reason, no health detail (REFERENCE §13b: no diagnosis in a text). Both go through the
outbox in the transaction that stores the request, and name it (`about`), so the request's
staff page shows what was sent and what became of it.

The text (REFERENCE §13b) names the practice, gives its phone, says how to stop (STOP) and
stays within 160 characters. It goes out at once, at any hour, quiet hours included: it is
the answer to a request the patient has just made on the form, so they are waiting for it
now (as for the thanks page), and it is not a message we start. It is an answer only while
the request is fresh: a text the worker could not send within TEXT_FRESH (worker down,
provider refusing) is not sent ("not sent: too late", on the request's page; the email and
the call still come, so there is nothing for a person to settle). A STOP
on the number is honoured when the worker sends it (outbox.optouts). Nothing is texted when
the practice has no text-message provider, and a number that cannot take texts (a landline,
when the numbering plan says so) gets a "not sent" row with the reason.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import phonenumbers
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from kyphoplan.callbacks.hours import Practice
from kyphoplan.callbacks.models import OBJECT_TYPE, CallbackRequest
from kyphoplan.outbox.delivery import enqueue
from kyphoplan.outbox.models import MessageChannel, MessageStatus, OutboxMessage
from kyphoplan.outbox.providers import get_sms_settings

KIND = "callback.confirm"
TEXT_FRESH = timedelta(hours=1)
SMS_LIMIT = 160
NO_TEXTS = frozenset({  # numbering-plan types that cannot take a text
    phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.TOLL_FREE,
    phonenumbers.PhoneNumberType.PREMIUM_RATE, phonenumbers.PhoneNumberType.SHARED_COST,
    phonenumbers.PhoneNumberType.UAN, phonenumbers.PhoneNumberType.VOICEMAIL,
    phonenumbers.PhoneNumberType.PAGER,
})


def _language(req: CallbackRequest) -> str:
    return req.language if req.language in ("en", "es") else "en"


def confirm(req: CallbackRequest, practice: Practice, now: datetime) -> None:
    """Queue the confirmations the patient agreed to. Call inside the request's transaction."""
    if req.email:
        subject, body = email_text(req, practice)
        enqueue(kind=KIND, to=req.email, subject=subject, body=body, now=now, about=(OBJECT_TYPE, req.pk))
    if req.consent_text and req.phone_e164 and get_sms_settings().configured:
        _queue_text(req, practice, now)


def _queue_text(req: CallbackRequest, practice: Practice, now: datetime) -> None:
    body = sms_text(req, practice)
    msg = enqueue(kind=KIND, channel=MessageChannel.SMS, to=req.phone_e164, subject="", body=body, now=now,
                  about=(OBJECT_TYPE, req.pk), not_after=now + TEXT_FRESH)
    if phonenumbers.number_type(phonenumbers.parse(req.phone_e164)) in NO_TEXTS:
        OutboxMessage.objects.filter(pk=msg.pk).update(status=MessageStatus.CANCELLED,
                                                      error="not sent: the number cannot take texts (landline)")


def email_text(req: CallbackRequest, practice: Practice) -> tuple[str, str]:
    """(subject, body) in the patient's language, times in the practice's zone."""
    with translation.override(_language(req)), timezone.override(practice.hours.zone):
        when = formats.date_format(timezone.localtime(req.due_by), _("l, F j"))
        at = formats.time_format(timezone.localtime(req.due_by), _("g:i A"))
        subject = _("We got your request %(reference)s") % {"reference": req.reference}
        body = "\n\n".join([
            _("We got your request to be called. Your reference number is %(reference)s.")
            % {"reference": req.reference},
            _("We will call you by %(when)s, at %(time)s.") % {"when": when, "time": at},
            _("If you need help sooner, call us at %(phone)s. In an emergency, call 911.")
            % {"phone": practice.phone},
            practice.name,
        ])
    return subject, body + "\n"


def sms_text(req: CallbackRequest, practice: Practice) -> str:
    """One text of at most 160 characters in the patient's language. With a long practice
    name the reference is left out (it is on the thanks page and in the email), then, with a
    very long one (over about 45 characters), the phone (on the thanks page and in the email)."""
    with translation.override(_language(req)), timezone.override(practice.hours.zone):
        params = {"practice": practice.name, "reference": req.reference, "phone": practice.phone,
                  "when": formats.date_format(timezone.localtime(req.due_by), _("D M j, g:i A"))}
        texts = [
            _("%(practice)s: we got your request %(reference)s. We will call you by %(when)s. "
              "Questions: %(phone)s. Reply STOP to end texts.") % params,
            _("%(practice)s: we got your request. We will call you by %(when)s. "
              "Questions: %(phone)s. Reply STOP to end texts.") % params,
            _("%(practice)s: we got your request. We will call you by %(when)s. Reply STOP to end texts.") % params,
        ]
    return next((t for t in texts if len(t) <= SMS_LIMIT), texts[-1])

