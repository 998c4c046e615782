"""POST /sms/inbound: Twilio-compatible inbound texts (form fields From, Body, MessageSid).

Signed by the provider (X-Twilio-Signature, HMAC-SHA1 with the account's auth token);
a missing or wrong signature is a 403 and nothing is stored. A retried delivery (same
MessageSid) gets the same answer and changes nothing. The reply goes back as TwiML.
What the message does is followup.inbound's (this view is presentation: it may call upward).
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from django.conf import settings
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from kyphoplan.followup.inbound import handle
from kyphoplan.messaging.models import InboundMessage
from kyphoplan.messaging.signature import valid_signature
from kyphoplan.reminders.config import get_config


def twiml(text: str) -> HttpResponse:
    """The reply as TwiML; an empty reply is an empty <Response/> (the provider sends nothing)."""
    message = f"<Message>{escape(text)}</Message>" if text else ""
    body = f'<?xml version="1.0" encoding="UTF-8"?><Response>{message}</Response>'
    return HttpResponse(body, content_type="text/xml")


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
        return twiml(handle(sid, phone, body, now=timezone.now()))
    except IntegrityError:  # the same message, delivered twice at once
        earlier = InboundMessage.objects.get(provider_sid=sid)
        return twiml(earlier.reply)
