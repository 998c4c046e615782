"""Follow-up in the staff console: the nurse's worklist and one case's follow-up page."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from kyphoplan.cases import roles
from kyphoplan.cases.localtime import practice_time
from kyphoplan.followup import access, services
from kyphoplan.followup.models import CheckIn, ComplicationKind, StaffAlert
from kyphoplan.messaging.models import InboundMessage
from kyphoplan.staff.decorators import staff_required
from kyphoplan.web.net import client_ip


@require_GET
@staff_required()
@practice_time
def worklist(request: HttpRequest) -> HttpResponse:
    work = access.access_worklist(request.user, ip=client_ip(request), now=timezone.now())
    return render(request, "followup/worklist.html", {"work": work,
                                                      "can_work": roles.has_role(request.user, services.FOLLOW_UP)})


@require_GET
@staff_required()
@practice_time
def case_page(request: HttpRequest, case_id: str) -> HttpResponse:
    case, checkins, complications, alerts = access.access_case_followup(request.user, case_id, ip=client_ip(request))
    return render(request, "followup/case.html", {
        "case": case, "checkins": checkins, "complications": complications, "alerts": alerts,
        "kinds": ComplicationKind.choices, "today": timezone.localdate(),
        "can_work": roles.has_role(request.user, services.FOLLOW_UP)})


@require_POST
@staff_required()
@practice_time
def add_complication(request: HttpRequest, case_id: str) -> HttpResponse:
    ip = client_ip(request)
    case, *_ = access.access_case_followup(request.user, case_id, ip=ip)
    try:
        kind = ComplicationKind(request.POST.get("kind", ""))
        occurred = date.fromisoformat(request.POST.get("occurred_on", ""))
        services.record_complication(request.user, case, kind=kind, occurred_on=occurred,
                                     note=request.POST.get("note", ""), ip=ip, now=timezone.now())
    except (ValueError, services.ComplicationError) as exc:
        messages.error(request, f"Not recorded: {exc if isinstance(exc, services.ComplicationError) else 'choose a kind and a date'}.")
    else:
        messages.success(request, "Complication recorded.")
    return redirect("followup:case", case_id=case.pk)


@require_POST
@staff_required()
def resolve(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = get_object_or_404(StaffAlert, pk=alert_id)
    services.resolve_alert(request.user, alert, resolution=request.POST.get("resolution", ""), ip=client_ip(request),
                           now=timezone.now())
    messages.success(request, f"Alert for {alert.case.reference} closed.")
    return redirect("followup:worklist")


@require_POST
@staff_required()
def called(request: HttpRequest, checkin_id: int) -> HttpResponse:
    checkin = get_object_or_404(CheckIn, pk=checkin_id)
    services.mark_called(request.user, checkin, ip=client_ip(request), now=timezone.now())
    messages.success(request, f"Call recorded for {checkin.case.reference}.")
    return redirect("followup:worklist")


@require_POST
@staff_required()
def message_read(request: HttpRequest, message_id: int) -> HttpResponse:
    message = get_object_or_404(InboundMessage, pk=message_id)
    services.handle_message(request.user, message, ip=client_ip(request), now=timezone.now())
    return redirect("followup:worklist")
