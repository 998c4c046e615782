"""Cases in the staff console. Thin: reads through `access`, writes through `services`."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kyphoplan.booking.services import active_booking
from kyphoplan.callbacks import access as callback_access
from kyphoplan.callbacks.forms import SearchForm
from kyphoplan.cases import access, roles, services
from kyphoplan.cases.forms import CaseForm, LabsForm, StatusForm, initial_for
from kyphoplan.cases.localtime import practice_time
from kyphoplan.cases.models import Channel, LinkPurpose
from kyphoplan.cases.workflow import CaseStatus, CaseWorkflowError, allowed_next
from kyphoplan.pathway import services as pathway
from kyphoplan.plans.services import latest, latest_signed
from kyphoplan.reminders.services import LinkRemoved, no_channel_warning, settle, status_summary
from kyphoplan.staff.decorators import StaffRequest, staff_required
from kyphoplan.staff.roles import users_with
from kyphoplan.web import keyset
from kyphoplan.web.net import client_ip
from kyphoplan.web.practice import get_practice

_SEARCH_KEY = "kyphoplan.case_search"


@require_GET
@staff_required()
@practice_time
def case_list(request: StaffRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    # The search text stays in the session: a patient's name never goes in a URL or access log.
    search = request.session.get(_SEARCH_KEY, "")
    found = access.access_cases(request.user, status=status, ip=client_ip(request), search=search,
                                after=request.GET.get("after", "")[: keyset.MAX_CURSOR],
                                before=request.GET.get("before", "")[: keyset.MAX_CURSOR])
    keep = request.GET.copy()
    keep.pop("after", None)
    keep.pop("before", None)
    return render(request, "cases/list.html", {"rows": found.rows, "result": found, "keep": keep.urlencode(),
                                               "status": status, "statuses": CaseStatus.choices,
                                               "search": search, "search_form": SearchForm(initial={"q": search}),
                                               "can_work": roles.has_role(request.user, roles.WORK_CASES),
                                               "can_manage_rooms": roles.has_role(request.user, roles.MANAGE_ROOMS)})


@require_POST
@staff_required()
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.POST)
    term = form.cleaned_data["q"].strip() if form.is_valid() else ""
    if "clear" in request.POST or not term:
        request.session.pop(_SEARCH_KEY, None)
    else:
        request.session[_SEARCH_KEY] = term
    return redirect("cases:list")


@require_http_methods(["GET", "POST"])
@staff_required()
@practice_time
def new_case(request: StaffRequest) -> HttpResponse:
    ip = client_ip(request)
    roles.require(request.user, roles.WORK_CASES, ip=ip, what="new case")
    zone = get_practice().hours.zone
    form = CaseForm(request.POST or None, zone=zone, now=timezone.now(), initial={"language": "en", "sex": "unknown",
                                                              "email_reminders": True})
    if request.method == "POST" and form.is_valid():
        case = services.open_case(request.user, form.details(), ip=ip, now=timezone.now())
        return redirect("cases:detail", case_id=case.pk)
    # Call-backs reached by phone are where most cases start: one click each.
    # Filtered in the database before the page's limit, so a request never hides behind
    # fifty that already have a case.
    reached = callback_access.access_queue(
        request.user, callback_access.QueueFilter(status="reached", without_case=True), ip=ip, now=timezone.now())
    return render(request, "cases/new.html", {"form": form, "callbacks": reached.rows})


@require_POST
@staff_required()
@practice_time
def from_callback(request: StaffRequest, request_id: UUID) -> HttpResponse:
    ip = client_ip(request)
    req = callback_access.access_request(request.user, request_id, ip=ip)
    case = services.case_from_callback(request.user, req, ip=ip, now=timezone.now())
    messages.success(request, f"Case {case.reference} is open.")
    return redirect("cases:detail", case_id=case.pk)


@require_GET
@staff_required()
@practice_time
def detail(request: StaffRequest, case_id: UUID) -> HttpResponse:
    case = access.access_case(request.user, case_id, ip=client_ip(request))
    allowed = [(s.value, s.label) for s in allowed_next(CaseStatus(case.status))]
    intake = getattr(case, "intake", None)
    submitted = intake is not None and intake.submitted_at is not None
    now = timezone.now()
    links = [(link, link.state(now, intake_submitted=submitted)) for link in case.links.all()[:10]]
    return render(request, "cases/detail.html", {
        "case": case, "status_form": StatusForm(allowed=allowed) if allowed else None,
        "labs_form": LabsForm(initial=case.labs), "links": links,
        "intake": intake, "latest": latest(case), "signed": latest_signed(case),
        "booking": active_booking(case), "reminders": status_summary(case),
        "no_channel": no_channel_warning(case),
        "can_work": roles.has_role(request.user, roles.WORK_CASES),
        "can_review": roles.has_role(request.user, roles.REVIEW_PLANS),
        "can_book": roles.has_role(request.user, roles.BOOK), "zone": get_practice().hours.zone.key,
        "workers": _workers(),
    })


def _workers() -> list[User]:
    return list(users_with(roles.WORK_CASES | roles.REVIEW_PLANS))


@require_POST
@staff_required()
@practice_time
def set_owner(request: StaffRequest, case_id: UUID) -> HttpResponse:
    ip = client_ip(request)
    case = access.access_case(request.user, case_id, ip=ip, what="owner")
    workers = {str(u.pk): u for u in _workers()}
    choice = request.POST.get("owner", "")
    if choice and choice not in workers:
        messages.error(request, "That person does not work cases.")
    else:
        services.assign_owner(request.user, case, owner=workers.get(choice), ip=ip, now=timezone.now())
        messages.success(request, "Owner saved.")
    return redirect("cases:detail", case_id=case.pk)


@require_http_methods(["GET", "POST"])
@staff_required()
@practice_time
def edit(request: StaffRequest, case_id: UUID) -> HttpResponse:
    ip = client_ip(request)
    case = access.access_case(request.user, case_id, ip=ip, what="edit")
    zone = get_practice().hours.zone
    form = CaseForm(request.POST or None, zone=zone, now=timezone.now(), initial=initial_for(case, zone))
    if request.method == "POST" and form.is_valid():
        changed, outcome = pathway.update_case(request.user, case, form.details(), ip=ip, now=timezone.now())
        _tell_plan(request, outcome)
        messages.success(request, "Saved." if changed else "Nothing changed.")
        return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/edit.html", {"case": case, "form": form})


def _tell_plan(request: HttpRequest, outcome: pathway.Outcome) -> None:
    if outcome.not_ready:
        messages.error(request, f"The plan could not be redone: {outcome.not_ready}")
    elif outcome.version is not None:
        messages.info(request, f"Plan version {outcome.version.number} was made and needs a signature.")


@require_POST
@staff_required()
@practice_time
def set_status(request: StaffRequest, case_id: UUID) -> HttpResponse:
    ip = client_ip(request)
    case = access.access_case(request.user, case_id, ip=ip, what="status")
    allowed = [(s.value, s.label) for s in allowed_next(CaseStatus(case.status))]
    form = StatusForm(request.POST, allowed=allowed)
    if not form.is_valid():
        messages.error(request, "Choose a status this case can move to.")
    else:
        try:
            pathway.change_status(request.user, case, new_status=CaseStatus(form.cleaned_data["new_status"]),
                                   cancel_reason=form.cleaned_data["cancel_reason"], ip=ip, now=timezone.now())
            messages.success(request, f"Status is now {case.get_status_display()}.")
        except CaseWorkflowError as exc:
            messages.error(request, str(exc).capitalize() + ".")
    return redirect("cases:detail", case_id=case.pk)


@require_POST
@staff_required()
@practice_time
def set_labs(request: StaffRequest, case_id: UUID) -> HttpResponse:
    ip = client_ip(request)
    case = access.access_case(request.user, case_id, ip=ip, what="labs")
    form = LabsForm(request.POST, today=timezone.localdate(timezone.now(), get_practice().hours.zone))
    if not form.is_valid():
        problems = [str(e) for errors in form.errors.values() for e in errors]
        messages.error(request, "Labs not saved: " + " ".join(problems))
    else:
        _tell_plan(request, pathway.set_labs(request.user, case, form.labs(), ip=ip, now=timezone.now()))
        messages.success(request, "Labs saved.")
    return redirect("cases:detail", case_id=case.pk)


@require_POST
@staff_required()
@practice_time
def issue_link(request: StaffRequest, case_id: UUID) -> HttpResponse:
    ip = client_ip(request)
    case = access.access_case(request.user, case_id, ip=ip, what="link")
    try:
        purpose = LinkPurpose(request.POST.get("purpose", ""))
        channel = Channel(request.POST.get("channel", ""))
    except ValueError:
        messages.error(request, "Choose what the link is for and how to send it.")
        return redirect("cases:detail", case_id=case.pk)
    expires = None
    if purpose == LinkPurpose.PLAN:
        booking = active_booking(case)
        if booking is None or latest_signed(case) is None:
            messages.error(request, "The plan link needs a signed plan and a booking.")
            return redirect("cases:detail", case_id=case.pk)
        expires = services.plan_link_expiry(booking.start)
    try:
        _, token = pathway.send_link(request.user, case, purpose=purpose, channel=channel, ip=ip,
                                     now=timezone.now(), expires_at=expires)
    except ValueError as exc:
        messages.error(request, str(exc).capitalize() + ".")
        return redirect("cases:detail", case_id=case.pk)
    if channel == Channel.SHOWN:
        # Shown once, on this page only, for a coordinator to pass on; it is not stored.
        with translation.override(case.language):
            name = "patient_links:intake" if purpose == LinkPurpose.INTAKE else "patient_links:plan"
            url = request.build_absolute_uri(reverse(name, kwargs={"token": token}))
        return render(request, "cases/link_shown.html", {"case": case, "url": url, "purpose": purpose})
    # Queued, not sent: the worker hands it over within seconds, and "Messages to the patient"
    # shows what really happened (sent, retrying, failed).
    messages.success(request, f"The {purpose.label.lower()} link is queued to go by {channel.label.lower()}. "
                              "Messages to the patient, below, shows when it is sent or if it fails.")
    return redirect("cases:detail", case_id=case.pk)


@require_POST
@staff_required()
@practice_time
def revoke_link(request: StaffRequest, case_id: UUID, link_id: int) -> HttpResponse:
    ip = client_ip(request)
    case = access.access_case(request.user, case_id, ip=ip, what="revoke link")
    link = case.links.get(pk=link_id)
    services.revoke_link(request.user, link, ip=ip, now=timezone.now())
    messages.success(request, "The link no longer works.")
    return redirect("cases:detail", case_id=case.pk)


@require_POST
@staff_required()
@practice_time
def settle_reminder(request: StaffRequest, case_id: UUID, reminder_id: int) -> HttpResponse:
    ip = client_ip(request)
    case = access.access_case(request.user, case_id, ip=ip, what="settle reminder")
    reminder = case.reminders.get(pk=reminder_id)
    try:
        settle(request.user, reminder, resend=request.POST.get("action") == "resend", ip=ip, now=timezone.now())
    except LinkRemoved as exc:
        messages.error(request, f"Not sent again: {exc}.")
        return redirect("cases:detail", case_id=case.pk)
    messages.success(request, f"Message is now: {reminder.get_status_display()}.")
    return redirect("cases:detail", case_id=case.pk)
