"""Admins browse and export the audit trail. Looking at it is audited too.

Both read newest-first pages or a streamed file by keyset (web.keyset): no COUNT and no
OFFSET, so the cost of a page does not grow with the trail's length.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from kyphoplan.audit.detail import describe
from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action, AuditEvent
from kyphoplan.staff.decorators import staff_required
from kyphoplan.web import keyset
from kyphoplan.web.csvsafe import safe_row
from kyphoplan.web.net import client_ip

FIELDS = ["at", "actor_username", "action", "object_type", "object_id", "ip", "detail"]
PAGE_SIZE = 50
ORDER = ("-at", "-id")
EXPORT_CHUNK = 2000


class AuditFilter(forms.Form):
    who = forms.CharField(label="Username", max_length=150, required=False)
    action = forms.ChoiceField(label="Action", choices=[("", "Any"), *Action.choices], required=False)
    start = forms.DateField(label="From (UTC day)", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To (UTC day, inclusive)", required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))
    record = forms.CharField(label="Record id", max_length=64, required=False,
                             help_text="a request's, case's or other record's id")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end is before the start.")
        return data


def _filtered(form: AuditFilter) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.all()
    if not form.is_valid():
        return qs.none()
    f = form.cleaned_data
    if f["who"].strip():
        qs = qs.filter(actor_username=f["who"].strip())
    if f["action"]:
        qs = qs.filter(action=f["action"])
    if f["record"].strip():
        qs = qs.filter(object_id=f["record"].strip())
    if f["start"]:
        qs = qs.filter(at__gte=datetime.combine(f["start"], time(0), tzinfo=UTC))
    if f["end"]:
        qs = qs.filter(at__lt=datetime.combine(f["end"] + timedelta(days=1), time(0), tzinfo=UTC))
    return qs


def _used(form: AuditFilter) -> list[str]:
    return [name for name in AuditFilter.base_fields if form.data.get(name)]


@require_GET
@staff_required("audit.view_auditevent")
def browse(request: HttpRequest) -> HttpResponse:
    form = AuditFilter(request.GET or None)
    after = request.GET.get("after", "")[: keyset.MAX_CURSOR]
    before = request.GET.get("before", "")[: keyset.MAX_CURSOR]
    # Record first, then read: the first page includes its own row.
    record(request.user, Action.LIST, ip=client_ip(request), object_type="auditevent",
           detail={"filters": _used(form), "first_page": not (after or before)})
    qs = _filtered(form) if request.GET else AuditEvent.objects.all()
    try:
        found = keyset.page(qs, ORDER, size=PAGE_SIZE, after=after or None, before=before or None)
    except keyset.BadCursor:
        found = keyset.page(qs, ORDER, size=PAGE_SIZE)
    keep = request.GET.copy()
    keep.pop("after", None)
    keep.pop("before", None)
    return render(request, "audit/browse.html", {
        "form": form if request.GET else AuditFilter(), "rows": [(e, describe(e)) for e in found.rows],
        "result": found, "keep": keep.urlencode(),
    })


def _csv_chunks(rows: Iterator[tuple[Any, ...]]) -> Iterator[str]:
    """CSV text a few thousand rows at a time: one write per row would cost more than the rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(FIELDS)
    for i, (at, *middle, ip, detail) in enumerate(rows, 1):
        writer.writerow(safe_row([at.isoformat(), *middle, ip or "", detail]))
        if i % EXPORT_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


@require_GET
@staff_required("audit.export_auditevent")
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The rows the filters select, oldest first, streamed: memory stays flat at any size.
    The export is audited before the first byte, with the instant it stops at."""
    form = AuditFilter(request.GET or None)
    now = timezone.now()
    qs = _filtered(form) if request.GET else AuditEvent.objects.all()
    # The detail as the database's JSON text: parsing it only to write it again was a third of the time.
    rows = (qs.filter(at__lte=now).order_by("at", "id").annotate(detail_text=Cast("detail", TextField()))
            .values_list(*FIELDS[:-1], "detail_text").iterator(chunk_size=EXPORT_CHUNK))
    record(request.user, Action.EXPORT, ip=client_ip(request), object_type="auditevent",
           detail={"filters": _used(form), "up_to": now.isoformat()})
    response = StreamingHttpResponse(_csv_chunks(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{now:%Y%m%d-%H%M}.csv"'
    return response
