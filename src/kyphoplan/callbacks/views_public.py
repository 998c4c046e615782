"""The public "request a call" pages. No login; no patient data in URLs or logs."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from kyphoplan.callbacks import ratelimit
from kyphoplan.callbacks.forms import RequestCallForm
from kyphoplan.callbacks.models import CallbackRequest, Language
from kyphoplan.callbacks.services import NewRequest, find_by_token, submit_request
from kyphoplan.web.net import client_ip
from kyphoplan.web.practice import get_practice

_SALT = "kyphoplan.callbacks.thanks"
# After a request, this browser keeps its form token for a while (signed, HttpOnly, no patient
# data). Pressing Back after "thanks" makes many browsers fetch the form again (no bfcache)
# and put the typed answers back into a page with a fresh token: a second "send" then made a
# second request. While the cookie lives, the form carries the token already used, so sending
# it again shows the first request; "for someone else" starts a new one.
_RECENT_COOKIE = "kp_callback_sent"
_RECENT_SALT = "kyphoplan.callbacks.sent"
_RECENT = timedelta(minutes=30)


def _thanks_url(req: CallbackRequest) -> str:
    token = signing.dumps(req.reference, salt=_SALT)
    return reverse("callbacks_public:thanks", args=[token])


def _render_form(
    request: HttpRequest, form: RequestCallForm, status: int = 200, **extra: object
) -> HttpResponse:
    return render(request, "callbacks/request_call.html", {"form": form, **extra}, status=status)


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def request_call(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        if request.GET.get("another"):
            response = redirect("callbacks_public:request")
            response.delete_cookie(_RECENT_COOKIE)
            return response
        recent = _recent(request)
        lang = get_language() or "en"
        form = RequestCallForm(
            initial={
                "form_token": recent.form_token if recent else secrets.token_urlsafe(32),
                "language": lang if lang in Language.values else Language.ENGLISH,
            }
        )
        return _render_form(request, form, recent=recent)

    form = RequestCallForm(request.POST)
    if form.is_trap_filled():
        return render(request, "callbacks/not_sent.html", status=400)
    if not form.is_valid():
        return _render_form(request, form, status=400)

    token = form.cleaned_data["form_token"]
    existing = find_by_token(token)
    if existing is not None:
        return _remember(request, redirect(_thanks_url(existing)), existing)

    now = timezone.now()
    ip = client_ip(request)
    refused = ratelimit.refuse_callback(ip, form.cleaned_data["phone"], now)
    if refused:
        return _render_form(request, form, status=429, rate_limited=refused)

    data = form.cleaned_data
    req, _created = submit_request(
        NewRequest(
            name=data["name"].strip(),
            phone_e164=data["phone"],
            email=data["email"],
            language=data["language"],
            reason=data["reason"],
            best_days=list(data["best_days"]),
            best_times=list(data["best_times"]),
            consent_call=data["consent_call"],
            consent_text=data["consent_text"],
        ),
        form_token=token,
        ip=ip,
        now=now,
        practice=get_practice(),
    )
    # The row is committed by now: only then does the patient see "sent".
    return _remember(request, redirect(_thanks_url(req)), req)


def _recent(request: HttpRequest) -> CallbackRequest | None:
    token = request.get_signed_cookie(_RECENT_COOKIE, default=None, salt=_RECENT_SALT,
                                      max_age=_RECENT)
    return find_by_token(token) if token else None


def _remember(request: HttpRequest, response: HttpResponse, req: CallbackRequest) -> HttpResponse:
    response.set_signed_cookie(_RECENT_COOKIE, req.form_token, salt=_RECENT_SALT,
                               max_age=int(_RECENT.total_seconds()), httponly=True, samesite="Lax",
                               secure=request.is_secure())
    return response


def thanks(request: HttpRequest, token: str) -> HttpResponse:
    try:
        reference = signing.loads(token, salt=_SALT, max_age=timedelta(days=30))
    except signing.BadSignature as exc:
        raise Http404 from exc
    req = CallbackRequest.objects.filter(reference=reference).only("reference", "due_by").first()
    if req is None:
        raise Http404
    # An aware UTC instant: the template's filters show it in the practice's zone, which
    # PracticeTimeZoneMiddleware makes the current one (converting here too was undone by them).
    return render(request, "callbacks/thanks.html", {"reference": req.reference, "due_by": req.due_by})
