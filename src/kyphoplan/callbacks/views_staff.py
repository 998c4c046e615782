"""The call-back queue in the staff console. Thin: reads go through `access`,
writes through `services`."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from kyphoplan.callbacks import access, services
from kyphoplan.callbacks.forms import AttemptForm, SearchForm, StatusForm
from kyphoplan.callbacks.models import OPEN_STATUSES, CallbackRequest, Outcome, Status
from kyphoplan.callbacks.workflow import ALLOWED, WorkflowError
from kyphoplan.staff.decorators import StaffRequest, staff_required
from kyphoplan.staff.roles import roles_with, users_with
from kyphoplan.web import keyset
from kyphoplan.web.net import client_ip

CHANGE = "callbacks.change_callbackrequest"
_SEARCH_KEY = "kyphoplan.queue_search"


@require_GET
@staff_required(access.VIEW)
def queue(request: StaffRequest) -> HttpResponse:
    # Filters are in the query string (no patient data); the search text is kept in
    # the session so a name or phone number never appears in a URL or access log.
    f = access.QueueFilter(
        status=request.GET.get("status", "open"),
        assigned=request.GET.get("assigned", "all"),
        overdue_only=request.GET.get("overdue") == "1",
        search=request.session.get(_SEARCH_KEY, ""),
        after=request.GET.get("after", "")[: keyset.MAX_CURSOR],
        before=request.GET.get("before", "")[: keyset.MAX_CURSOR],
    )
    now = timezone.now()
    result = access.access_queue(request.user, f, ip=client_ip(request), now=now)
    # Links to other pages keep the filters (never the search text).
    keep = request.GET.copy()
    keep.pop("after", None)
    keep.pop("before", None)
    return render(
        request,
        "callbacks/queue.html",
        {
            "rows": result.rows,
            "result": result,
            "keep": keep.urlencode(),
            "filter": f,
            "now": now,
            "statuses": Status.choices,
            "open_statuses": OPEN_STATUSES,
            "search_form": SearchForm(initial={"q": f.search}),
        },
    )


@require_POST
@staff_required(access.VIEW)
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.POST)
    term = form.cleaned_data["q"].strip() if form.is_valid() else ""
    if "clear" in request.POST or not term:
        request.session.pop(_SEARCH_KEY, None)
    else:
        request.session[_SEARCH_KEY] = term
    return redirect("callbacks:queue")


def _workers() -> list[User]:
    return list(users_with(roles_with(CHANGE)))


@require_GET
@staff_required(access.VIEW)
def detail(request: StaffRequest, request_id: UUID) -> HttpResponse:
    req = access.access_request(request.user, request_id, ip=client_ip(request))
    allowed = [(s.value, s.label) for s in ALLOWED[Status(req.status)]]
    can_change = request.user.has_perm(CHANGE)
    return render(
        request,
        "callbacks/detail.html",
        {
            "req": req,
            "attempts": req.attempts.select_related("by"),
            "sent": access.messages_about(req),
            "overdue": req.status in OPEN_STATUSES and req.due_by < timezone.now(),
            "can_change": can_change,
            "can_log_call": can_change and req.status in OPEN_STATUSES,
            "attempt_form": AttemptForm(),
            "status_form": StatusForm(allowed=allowed) if allowed else None,
            "workers": _workers() if can_change else [],
        },
    )


def _load(request: StaffRequest, request_id: UUID) -> CallbackRequest:
    # Changing a request reads it too: the read is audited like any other.
    return access.access_request(request.user, request_id, ip=client_ip(request))


@require_POST
@staff_required(CHANGE)
def log_attempt(request: StaffRequest, request_id: UUID) -> HttpResponse:
    req = _load(request, request_id)
    form = AttemptForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what happened on the call.")
    else:
        try:
            services.record_attempt(
                request.user,
                req,
                outcome=Outcome(form.cleaned_data["outcome"]),
                note=form.cleaned_data["note"],
                ip=client_ip(request),
                now=timezone.now(),
            )
            messages.success(request, "Call logged.")
        except WorkflowError as exc:
            messages.error(request, str(exc))
    return redirect("callbacks:detail", request_id=req.pk)


@require_POST
@staff_required(CHANGE)
def set_status(request: StaffRequest, request_id: UUID) -> HttpResponse:
    req = _load(request, request_id)
    allowed = [(s.value, s.label) for s in ALLOWED[Status(req.status)]]
    form = StatusForm(request.POST, allowed=allowed)
    if not form.is_valid():
        messages.error(request, "Choose a status this request can move to.")
    else:
        try:
            services.change_status(
                request.user,
                req,
                new_status=Status(form.cleaned_data["new_status"]),
                close_reason=form.cleaned_data["close_reason"],
                ip=client_ip(request),
                now=timezone.now(),
            )
            messages.success(request, f"Status is now {req.get_status_display()}.")
        except WorkflowError as exc:
            messages.error(request, str(exc).capitalize() + ".")
    return redirect("callbacks:detail", request_id=req.pk)


@require_POST
@staff_required(CHANGE)
def set_assignee(request: StaffRequest, request_id: UUID) -> HttpResponse:
    req = _load(request, request_id)
    choice = request.POST.get("assignee", "")
    workers = {str(u.pk): u for u in _workers()}
    if choice and choice not in workers:
        messages.error(request, "That person cannot work the queue.")
    else:
        services.assign(
            request.user, req, assignee=workers.get(choice), ip=client_ip(request), now=timezone.now()
        )
        messages.success(request, "Assignment saved.")
    return redirect("callbacks:detail", request_id=req.pk)


@require_GET
@staff_required(access.EXPORT)
def export_csv(request: StaffRequest) -> StreamingHttpResponse:
    now = timezone.now()
    lines = access.access_export_csv(request.user, ip=client_ip(request), now=now)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    stamp = now.strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="callback-requests-{stamp}.csv"'
    return response
