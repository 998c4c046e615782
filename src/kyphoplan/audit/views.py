"""Admins browse and export the audit trail. Looking at it is audited too."""

from __future__ import annotations

import csv
import io

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action, AuditEvent
from kyphoplan.staff.decorators import staff_required
from kyphoplan.web.csvsafe import safe_row
from kyphoplan.web.net import client_ip

FIELDS = ["at", "actor_username", "action", "object_type", "object_id", "ip", "detail"]


def _filtered(request: HttpRequest):  # type: ignore[no-untyped-def]
    qs = AuditEvent.objects.all()
    who = request.GET.get("who", "").strip()
    action = request.GET.get("action", "")
    if who:
        qs = qs.filter(actor_username=who)
    if action in Action.values:
        qs = qs.filter(action=action)
    return qs, who, action


@require_GET
@staff_required("audit.view_auditevent")
def browse(request: HttpRequest) -> HttpResponse:
    qs, who, action = _filtered(request)
    # Record first, then read: the page includes its own row and the count stays right.
    record(
        request.user,
        Action.LIST,
        ip=client_ip(request),
        object_type="auditevent",
        detail={"page": request.GET.get("page", "1")[:10]},
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/browse.html",
        {
            "page": page,
            "who": who,
            "action": action,
            "actions": Action.choices,
        },
    )


@require_GET
@staff_required("audit.export_auditevent")
def export_csv(request: HttpRequest) -> HttpResponse:
    qs, _, _ = _filtered(request)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(FIELDS)
    count = 0
    for event in qs.order_by("at", "id").iterator():
        writer.writerow(safe_row(getattr(event, f) for f in FIELDS))
        count += 1
    record(
        request.user, Action.EXPORT, ip=client_ip(request), object_type="auditevent", detail={"count": count}
    )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response
