"""The patient's plan page, PDF and calendar file; staff get the same documents."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.cases import access
from kyphoplan.cases.link_views import case_in_session, invalid_link, no_store, open_into_session
from kyphoplan.cases.localtime import practice_time
from kyphoplan.cases.models import Case, LinkPurpose
from kyphoplan.patient.documents import context, ics_bytes, patient_plan, pdf_bytes
from kyphoplan.staff.decorators import staff_required
from kyphoplan.web.net import client_ip

SESSION_KEY = "kyphoplan.plan_link"


@require_GET
@practice_time
def open_plan(request: HttpRequest, token: str) -> HttpResponse:
    return open_into_session(request, token, LinkPurpose.PLAN, SESSION_KEY, "patient_links:plan_page")


def _case(request: HttpRequest) -> Case | None:
    return case_in_session(request, SESSION_KEY)


def _audit(request: HttpRequest, case: Case, what: str, *, staff: bool) -> None:
    record(request.user if staff else None, Action.VIEW if what == "page" else Action.EXPORT,
           ip=client_ip(request), object_type="case", object_id=case.pk, username="" if staff else "patient",
           detail={"patient_plan": what})


def _language(request: HttpRequest, case: Case, *, staff: bool) -> str:
    """Staff preview what the patient sees, so in the patient's language; the patient (or a
    family member) reads the language of the address, which the switch changes. The stored
    preference, which messages use, stays as it is."""
    return case.language if staff else (translation.get_language() or case.language)


def _page(request: HttpRequest, case: Case, *, staff: bool) -> HttpResponse:
    _audit(request, case, "page", staff=staff)
    pp = patient_plan(case, _language(request, case, staff=staff))
    with translation.override(pp.language):
        return no_store(render(request, "patient/plan.html", {**context(pp), "staff": staff}))


def _pdf(request: HttpRequest, case: Case, *, staff: bool) -> HttpResponse:
    _audit(request, case, "pdf", staff=staff)
    body = pdf_bytes(patient_plan(case, _language(request, case, staff=staff)), base_url=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="plan-{case.reference}.pdf"'
    return no_store(response)


def _ics(request: HttpRequest, case: Case, *, staff: bool) -> HttpResponse:
    _audit(request, case, "ics", staff=staff)
    response = HttpResponse(ics_bytes(patient_plan(case), now=timezone.now()), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="plan-{case.reference}.ics"'
    return no_store(response)


def _gone(request: HttpRequest) -> HttpResponse:
    return invalid_link(request)


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
