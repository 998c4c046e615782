"""Bone-health tracks in the staff console (/staff/liaison/)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from kyphoplan.cases import roles
from kyphoplan.cases.localtime import practice_time
from kyphoplan.liaison import access, services
from kyphoplan.liaison.models import FractureGrade, Step, StepState
from kyphoplan.staff.decorators import staff_required
from kyphoplan.web.net import client_ip

EDIT = roles.WORK_CASES | roles.REVIEW_PLANS


def _track(request: HttpRequest, case_id: str):  # type: ignore[no-untyped-def]
    try:
        return access.access_track(request.user, case_id, ip=client_ip(request))
    except ObjectDoesNotExist:
        raise Http404("no bone-health track for this case") from None


@require_GET
@staff_required()
@practice_time
def track_list(request: HttpRequest) -> HttpResponse:
    return render(request, "liaison/list.html", {"tracks": access.access_open_tracks(request.user, ip=client_ip(request))})


@require_GET
@staff_required()
@practice_time
def track_page(request: HttpRequest, case_id: str) -> HttpResponse:
    track = _track(request, case_id)
    return render(request, "liaison/track.html", {
        "track": track, "steps": track.steps.all(), "letters": track.letters.all(), "states": StepState.choices,
        "grades": FractureGrade.choices, "can_edit": roles.has_role(request.user, EDIT)})


@require_POST
@staff_required()
def set_step(request: HttpRequest, case_id: str) -> HttpResponse:
    track = _track(request, case_id)
    try:
        step, state = Step(request.POST.get("step", "")), StepState(request.POST.get("state", ""))
    except ValueError:
        messages.error(request, "Choose a step and a state.")
    else:
        services.close_step(request.user, track, step, state, note=request.POST.get("note", ""),
                            ip=client_ip(request), now=timezone.now())
        messages.success(request, f"{step.label}: {state.label}.")
    return redirect("liaison:track", case_id=track.case_id)


@require_POST
@staff_required()
def set_details(request: HttpRequest, case_id: str) -> HttpResponse:
    track = _track(request, case_id)
    try:
        grade = FractureGrade(request.POST.get("grade", ""))
    except ValueError:
        messages.error(request, "Choose a grade.")
    else:
        services.set_details(request.user, track, grade=grade, pcp_name=request.POST.get("pcp_name", ""),
                             ip=client_ip(request), now=timezone.now())
        messages.success(request, "Saved.")
    return redirect("liaison:track", case_id=track.case_id)


@require_POST
@staff_required()
def write_letter(request: HttpRequest, case_id: str) -> HttpResponse:
    track = _track(request, case_id)
    letter = services.write_letter(request.user, track, ip=client_ip(request), now=timezone.now())
    messages.success(request, f"Letter written ({letter.get_kind_display()}).")
    return redirect("liaison:track", case_id=track.case_id)


@require_GET
@staff_required()
def letter_pdf(request: HttpRequest, letter_id: int) -> HttpResponse:
    try:
        letter = access.access_letter(request.user, letter_id, ip=client_ip(request))
    except ObjectDoesNotExist:
        raise Http404("no such letter") from None
    response = HttpResponse(bytes(letter.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bone-health-letter-{letter.track.case.reference}.pdf"'
    return response
