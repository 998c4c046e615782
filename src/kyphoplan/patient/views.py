"""The patient's plan page, PDF and calendar file; staff get the same documents."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.cases import access
from kyphoplan.cases.localtime import practice_time
from kyphoplan.cases.models import Case, LinkPurpose
from kyphoplan.cases.services import link_still_usable, open_link
from kyphoplan.patient.documents import context, ics_bytes, patient_plan, pdf_bytes
from kyphoplan.staff.decorators import staff_required
from kyphoplan.web.net import client_ip

SESSION_KEY = "kyphoplan.plan_link"


def _private(response: HttpResponse) -> HttpResponse:
    response.headers["Cache-Control"] = "no-store"
    return response


@require_GET
@practice_time
def open_plan(request: HttpRequest, token: str) -> HttpResponse:
    link = open_link(token, LinkPurpose.PLAN, ip=client_ip(request), now=timezone.now())
    if link is None:
        return _private(render(request, "intake/link_invalid.html", status=404))
    request.session.cycle_key()
    request.session[SESSION_KEY] = link.pk
    return redirect("patient_links:plan_page")


def _case(request: HttpRequest) -> Case | None:
    link_id = request.session.get(SESSION_KEY)
    link = link_still_usable(link_id, timezone.now()) if link_id else None
    return link.case if link is not None else None


def _audit(request: HttpRequest, case: Case, what: str, *, staff: bool) -> None:
    record(request.user if staff else None, Action.VIEW if what == "page" else Action.EXPORT,
           ip=client_ip(request), object_type="case", object_id=case.pk, username="" if staff else "patient",
           detail={"patient_plan": what})


def _page(request: HttpRequest, case: Case, *, staff: bool) -> HttpResponse:
    _audit(request, case, "page", staff=staff)
    return _private(render(request, "patient/plan.html", {**context(patient_plan(case)), "staff": staff}))


def _pdf(request: HttpRequest, case: Case, *, staff: bool) -> HttpResponse:
    _audit(request, case, "pdf", staff=staff)
    body = pdf_bytes(patient_plan(case), base_url=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="plan-{case.reference}.pdf"'
    return _private(response)


def _ics(request: HttpRequest, case: Case, *, staff: bool) -> HttpResponse:
    _audit(request, case, "ics", staff=staff)
    response = HttpResponse(ics_bytes(patient_plan(case), now=timezone.now()), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="plan-{case.reference}.ics"'
    return _private(response)


def _gone(request: HttpRequest) -> HttpResponse:
    return _private(render(request, "intake/link_invalid.html", status=404))


@require_GET
@practice_time
def plan_page(request: HttpRequest) -> HttpResponse:
    case = _case(request)
    return _page(request, case, staff=False) if case else _gone(request)


@require_GET
@practice_time
def plan_pdf(request: HttpRequest) -> HttpResponse:
    case = _case(request)
    return _pdf(request, case, staff=False) if case else _gone(request)


@require_GET
@practice_time
def plan_ics(request: HttpRequest) -> HttpResponse:
    case = _case(request)
    return _ics(request, case, staff=False) if case else _gone(request)


@require_GET
@staff_required()
@practice_time
def staff_page(request: HttpRequest, case_id: str) -> HttpResponse:
    return _page(request, access.access_case(request.user, case_id, ip=client_ip(request), what="patient plan"),
                 staff=True)


@require_GET
@staff_required()
@practice_time
def staff_pdf(request: HttpRequest, case_id: str) -> HttpResponse:
    return _pdf(request, access.access_case(request.user, case_id, ip=client_ip(request), what="plan pdf"),
                staff=True)


@require_GET
@staff_required()
@practice_time
def staff_ics(request: HttpRequest, case_id: str) -> HttpResponse:
    return _ics(request, access.access_case(request.user, case_id, ip=client_ip(request), what="plan ics"),
                staff=True)
