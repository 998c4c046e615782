"""/staff/followup/consent/: look up a number's text-message consent and, when the patient asked
for texts again, record a new consent (nurse or admin; REFERENCE §13b: never automatic)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from kyphoplan.cases import roles
from kyphoplan.cases.localtime import practice_time
from kyphoplan.messaging.access import BadNumber, access_number, clean_phone
from kyphoplan.messaging.consent import RECORD_CONSENT, ConsentError, grant
from kyphoplan.messaging.models import Purpose
from kyphoplan.staff.decorators import StaffRequest, staff_required
from kyphoplan.web.net import client_ip


def _page(phone: str) -> str:
    return reverse("followup:consent") + "?" + urlencode({"phone": phone})


@require_GET
@staff_required()
@practice_time
def consent(request: StaffRequest) -> HttpResponse:
    raw = request.GET.get("phone", "").strip()
    number, error = None, ""
    if raw:
        try:
            number = access_number(request.user, clean_phone(raw), ip=client_ip(request))
        except BadNumber as exc:
            error = str(exc)
    status = 400 if error else 200
    return render(request, "followup/consent.html", {
        "raw": raw, "number": number, "error": error, "purposes": Purpose.choices,
        "can_record": roles.has_role(request.user, RECORD_CONSENT)}, status=status)


@require_POST
@staff_required()
def record_consent(request: StaffRequest) -> HttpResponse:
    ip = client_ip(request)
    try:
        phone = clean_phone(request.POST.get("phone", ""))
    except BadNumber as exc:
        return HttpResponse(f"Not recorded: {exc}.", status=400, content_type="text/plain")
    chosen = request.POST.getlist("purpose")
    if not chosen or any(p not in Purpose.values for p in chosen):
        messages.error(request, "Not recorded: choose what the patient wants texts about.")
        return redirect(_page(phone))
    if request.POST.get("asked") != "yes":
        messages.error(request, "Not recorded: confirm that the patient asked for texts again.")
        return redirect(_page(phone))
    try:
        for purpose in chosen:
            grant(request.user, phone, Purpose(purpose), reason=request.POST.get("reason", ""), ip=ip,
                  now=timezone.now())
    except ConsentError as exc:
        messages.error(request, f"Not recorded: {exc}.")
        return redirect(_page(phone))
    messages.success(request, f"Consent recorded for {phone}.")
    return redirect(_page(phone))
