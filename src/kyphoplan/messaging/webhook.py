"""POST /sms/inbound: Twilio-compatible inbound texts (form fields From, Body, MessageSid).

Signed by the provider (X-Twilio-Signature, HMAC-SHA1 with the account's auth token);
a missing or wrong signature is a 403 and nothing is stored. A retried delivery (same
MessageSid) gets the same answer and changes nothing. The reply goes back as TwiML.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.booking.models import Booking, BookingStatus
from kyphoplan.cases.models import Case
from kyphoplan.messaging.consent import revoke_number
from kyphoplan.messaging.keywords import classify, normalise
from kyphoplan.messaging.models import InboundMessage, Keyword
from kyphoplan.messaging.replies import reply_text
from kyphoplan.messaging.signature import valid_signature
from kyphoplan.reminders.config import get_config

SPANISH_WORDS = {"no mas", "parar", "para", "cancelar", "baja", "alto", "detener", "ayuda", "informacion", "si",
                 "confirmo", "confirmar", "confirmado", "darme de baja", "no mas mensajes"}


def twiml(text: str) -> HttpResponse:
    body = f'<?xml version="1.0" encoding="UTF-8"?><Response><Message>{escape(text)}</Message></Response>'
    return HttpResponse(body, content_type="text/xml")


def _language(phone: str, body: str) -> str:
    if normalise(body) in SPANISH_WORDS:
        return "es"
    languages = set(Case.objects.filter(phone_e164=phone).values_list("language", flat=True))
    return "es" if languages == {"es"} else "en"


def _handle(sid: str, phone: str, body: str) -> str:
    now = timezone.now()
    keyword = classify(body)
    language = _language(phone, body)
    visit = None
    if keyword == Keyword.CONFIRM:
        visit = (Booking.objects.filter(case__phone_e164=phone, status=BookingStatus.ACTIVE, start__gt=now)
                 .order_by("start").first())
    reply = reply_text(keyword, language, visit_at=visit.start if visit else None)
    with transaction.atomic():
        inbound = InboundMessage.objects.create(provider_sid=sid, phone_e164=phone, body=body[:1600],
                                                keyword=keyword, received_at=now, reply=reply[:320])
        if keyword == Keyword.STOP:
            revoke_number(phone, inbound=inbound, now=now)
        elif keyword == Keyword.CONFIRM and visit is not None:
            record(None, Action.UPDATE, ip=None, object_type="booking", object_id=visit.pk, at=now,
                   username="patient-sms", detail={"confirmed_by_text": inbound.pk})
    return reply


@csrf_exempt
@require_POST
def inbound_sms(request: HttpRequest) -> HttpResponse:
    token = get_config().sms.auth_token
    url = settings.BASE_URL + request.get_full_path()
    params = [(k, v) for k in request.POST for v in request.POST.getlist(k)]
    if not valid_signature(token, url, params, request.headers.get("X-Twilio-Signature", "")):
        return HttpResponse("signature missing or wrong", status=403, content_type="text/plain")
    sid, phone, body = (request.POST.get(k, "").strip() for k in ("MessageSid", "From", "Body"))
    if not sid or not phone.startswith("+") or not body:
        return HttpResponse("MessageSid, From (E.164) and Body are required", status=400, content_type="text/plain")
    earlier = InboundMessage.objects.filter(provider_sid=sid).first()
    if earlier is not None:
        return twiml(earlier.reply)
    try:
        return twiml(_handle(sid, phone, body))
    except IntegrityError:  # the same message, delivered twice at once
        earlier = InboundMessage.objects.get(provider_sid=sid)
        return twiml(earlier.reply)
