"""The practice dashboard (/staff/outcomes/) and its CSV."""

from __future__ import annotations

import csv

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.cases import roles
from kyphoplan.outcomes import benchmarks, report
from kyphoplan.outcomes.metrics import compute
from kyphoplan.staff.decorators import staff_required
from kyphoplan.web.net import client_ip

FIELDS = ["section", "time_point", "measure", "n", "value", "ci_low", "ci_high", "benchmark"]


@require_GET
@staff_required()
def dashboard(request: HttpRequest) -> HttpResponse:
    ip = client_ip(request)
    roles.require(request.user, roles.VIEW_CASES, ip=ip, what="outcomes dashboard")
    d = compute(timezone.now())
    record(request.user, Action.VIEW, ip=ip, object_type="outcomes", detail={"page": "dashboard"})
    rows = report.rows(d)
    return render(request, "outcomes/dashboard.html", {
        "d": d, "rows": rows, "bm": benchmarks,
        "pain_chart": mark_safe(report.pain_chart(d)), "bed_chart": mark_safe(report.bed_chart(d)),
        "mcid_chart": mark_safe(report.mcid_chart(d)), "response_chart": mark_safe(report.response_chart(d)),
        "sections": [(s, [r for r in rows if r.section == s]) for s in
                     ("pain", "mcid", "bed_days", "response", "complications", "access", "bone_health")]})


@require_GET
@staff_required()
def export_csv(request: HttpRequest) -> HttpResponse:
    ip = client_ip(request)
    roles.require(request.user, roles.VIEW_CASES, ip=ip, what="outcomes export")
    rows = report.rows(compute(timezone.now()))
    record(request.user, Action.EXPORT, ip=ip, object_type="outcomes", detail={"rows": len(rows)})
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="kyphoplan-outcomes.csv"'
    writer = csv.writer(response)
    writer.writerow(FIELDS)
    for r in rows:
        writer.writerow([r.section, r.point, r.measure, "" if r.n is None else r.n, "" if r.value is None else r.value,
                         "" if r.low is None else r.low, "" if r.high is None else r.high, r.benchmark])
    return response
