"""What a patient's text does (the webhook, messaging.webhook, has checked its signature).

- STOP: every purpose on the number is revoked at once (messaging.consent.revoke_number), one
  confirmation text.
- HELP: the practice's contact.
- START and its kin: nothing changes (REFERENCE §13b: never opt a number back in by itself).
  No reply: the number is opted out, and the one confirmation text was already sent. The
  message goes to the worklist; a nurse calls and records a new consent (messaging.views).
- A "yes" (confirm): when exactly one patient on the number has exactly one visit ahead, the
  booking is confirmed through the pathway's verb (pathway.services.confirm_booking) with an
  audit row; otherwise (none, or two patients on one phone) the message goes to staff and the
  patient is asked to call.
- Free text: to the worklist; red-flag words (followup.red_flags) raise the same alert as a
  red-flag answer, for each patient on the number.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from kyphoplan.booking.models import Booking, BookingStatus
from kyphoplan.cases.models import Case
from kyphoplan.followup.answers import alert_inbox, raise_alert
from kyphoplan.followup.red_flags import reasons as word_flags
from kyphoplan.messaging.consent import revoke_number
from kyphoplan.messaging.keywords import classify, normalise
from kyphoplan.messaging.models import InboundMessage, Keyword
from kyphoplan.messaging.replies import reply_text
from kyphoplan.pathway.services import confirm_booking

SPANISH_WORDS = {"no mas", "parar", "para", "cancelar", "baja", "alto", "detener", "ayuda", "informacion", "si",
                 "confirmo", "confirmar", "confirmado", "darme de baja", "no mas mensajes"}


def _language(phone: str, body: str) -> str:
    if normalise(body) in SPANISH_WORDS:
        return "es"
    languages = set(Case.objects.filter(phone_e164=phone).values_list("language", flat=True))
    return "es" if languages == {"es"} else "en"


def _upcoming(phone: str, now: datetime) -> list[Booking]:
    return list(Booking.objects.filter(case__phone_e164=phone, status=BookingStatus.ACTIVE, start__gt=now)
                .select_related("case").order_by("start")[:3])


def handle(sid: str, phone: str, body: str, *, now: datetime) -> str:
    """Store the message, act on it, and return the reply ("" for none)."""
    keyword = classify(body)
    language = _language(phone, body)
    with transaction.atomic():
        inbound = InboundMessage.objects.create(provider_sid=sid, phone_e164=phone, body=body[:1600],
                                                keyword=keyword, received_at=now)
        reply, note = "", ""
        if keyword == Keyword.STOP:
            revoke_number(phone, inbound=inbound, now=now)
            reply = reply_text(keyword, language)
        elif keyword == Keyword.HELP:
            reply = reply_text(keyword, language)
        elif keyword == Keyword.START:
            note = ("Asked by text to get texts again. Nothing changed: call the patient, and if they want "
                    "texts, record a new consent.")
        elif keyword == Keyword.CONFIRM:
            visits = _upcoming(phone, now)
            if len(visits) == 1:
                confirm_booking(visits[0], via="text", ref=f"sms {inbound.pk}", now=now)
                reply = reply_text(keyword, language, visit_at=visits[0].start)
            else:
                note = ("Replied yes, but " + ("no visit is booked on this number." if not visits else
                        "more than one visit is booked on this number: which one?") + " Call to confirm.")
                reply = reply_text(keyword, language, unclear=bool(visits))
        else:
            flags = word_flags(body, where="a text message")
            if flags:
                note = "Red-flag words: " + "; ".join(f.split(":")[0] for f in flags) + ". Call the patient."
                cases = list(Case.objects.filter(phone_e164=phone).order_by("pk"))
                for case in cases:
                    raise_alert(case, flags, now=now)
                if not cases:  # a number no case has: no alert row, but the inbox hears of it at once
                    alert_inbox("no case has this number", flags, now=now)
            reply = reply_text(keyword, language)
        to_staff = keyword in (Keyword.OTHER, Keyword.START) or bool(note)
        InboundMessage.objects.filter(pk=inbound.pk).update(
            reply=reply[:320], to_staff=to_staff, staff_note=note[:300],
            handled_at=None if to_staff else now)
    return reply
