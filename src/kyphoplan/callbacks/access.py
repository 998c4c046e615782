"""Every read of call-back requests goes through a function here, and each writes an
audit row naming the reader, the records and the address."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.callbacks.models import OPEN_STATUSES, CallbackRequest, Status
from kyphoplan.callbacks.services import OBJECT_TYPE
from kyphoplan.outbox.models import OutboxMessage
from kyphoplan.web import keyset
from kyphoplan.web.csvsafe import safe_row
from kyphoplan.web.textsearch import term as search_term

VIEW = "callbacks.view_callbackrequest"
EXPORT = "callbacks.export_callbackrequest"
PAGE_SIZE = 50


@dataclass(frozen=True)
class QueueFilter:
    status: str = "open"  # "open", "all", or a Status value
    assigned: str = "all"  # "all", "me", "unassigned"
    overdue_only: bool = False
    search: str = ""
    after: str = ""  # keyset cursors (web.keyset): the page after or before a row
    before: str = ""
    without_case: bool = False  # only requests no case was made from yet


def _check(user: User, perm: str, ip: str | None, what: str) -> None:
    if not user.has_perm(perm):
        record(user, Action.DENIED, ip=ip, object_type=OBJECT_TYPE, detail={"tried": what})
        raise PermissionDenied


def _filtered(user: User, f: QueueFilter, now: datetime) -> QuerySet[CallbackRequest]:
    qs = CallbackRequest.objects.select_related("assigned_to")
    term = search_term(f.search)
    # A search looks through every status: the request a caller asks about may be closed.
    if term:
        qs = qs.filter(search_text__contains=term)
    elif f.status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif f.status in Status.values:
        qs = qs.filter(status=f.status)
    if f.assigned == "me":
        qs = qs.filter(assigned_to=user)
    elif f.assigned == "unassigned":
        qs = qs.filter(assigned_to__isnull=True)
    if f.overdue_only:
        qs = qs.filter(status__in=OPEN_STATUSES, due_by__lt=now)
    if f.without_case:
        qs = qs.filter(has_case=False)
    return qs


# Ties (requests sent outside opening hours share a due time) keep arrival order.
QUEUE_ORDER = ("due_by", "created_at", "reference")


@dataclass(frozen=True)
class QueuePage:
    rows: list[CallbackRequest]
    next: str | None  # cursor of the next page, None on the last
    previous: str | None  # cursor of the previous page, None on the first

    # Iterating a page gives its rows, so callers that only want the rows can loop on it.
    def __iter__(self) -> Iterator[CallbackRequest]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def access_queue(user: User, f: QueueFilter, *, ip: str | None, now: datetime) -> QueuePage:
    _check(user, VIEW, ip, "queue")
    qs = _filtered(user, f, now)
    try:
        # One row more than a page tells whether there is a next page without a COUNT.
        found = keyset.page(qs, QUEUE_ORDER, size=PAGE_SIZE, after=f.after or None, before=f.before or None)
    except keyset.BadCursor:
        found = keyset.page(qs, QUEUE_ORDER, size=PAGE_SIZE)
    rows = found.rows
    record(
        user,
        Action.SEARCH if f.search else Action.LIST,
        ip=ip,
        object_type=OBJECT_TYPE,
        detail={
            "count": len(rows),
            "ids": [str(r.pk) for r in rows],
            "filter": {
                "status": f.status,
                "assigned": f.assigned,
                "overdue": f.overdue_only,
                "search": bool(f.search),
                "first_page": not (f.after or f.before),
            },
        },
    )
    return QueuePage(rows=rows, next=found.next, previous=found.previous)


def access_request(user: User, request_id: UUID, *, ip: str | None) -> CallbackRequest:
    _check(user, VIEW, ip, "request")
    req = CallbackRequest.objects.select_related("assigned_to").get(pk=request_id)
    record(user, Action.VIEW, ip=ip, object_type=OBJECT_TYPE, object_id=req.pk)
    return req


def messages_about(req: CallbackRequest) -> list[OutboxMessage]:
    """What was queued about a request read through access_request (the schedulers' notice,
    the patient's confirmations), oldest first: part of that read and of its audit row."""
    return list(OutboxMessage.objects.filter(about_type=OBJECT_TYPE, about_id=str(req.pk)).order_by("id"))


CSV_FIELDS = [
    "reference",
    "created_at",
    "due_by",
    "status",
    "close_reason",
    "name",
    "phone_e164",
    "email",
    "language",
    "reason",
    "best_days",
    "best_times",
    "consent_call",
    "consent_text",
    "assigned_to",
]


EXPORT_CHUNK = 2000


def access_export_csv(user: User, *, ip: str | None, now: datetime) -> Iterator[str]:
    """The CSV, a few thousand rows at a time, of every request stored up to `now`: memory
    stays flat however many there are. The audit row is written before the first byte (a
    download broken off half way was still an export); it names the cut-off, since the rows
    are not counted."""
    _check(user, EXPORT, ip, "export")
    record(user, Action.EXPORT, ip=ip, object_type=OBJECT_TYPE, detail={"up_to": now.isoformat()}, at=now)
    columns = [*CSV_FIELDS[:-1], "assigned_to__username"]
    rows = (CallbackRequest.objects.filter(created_at__lte=now).order_by("created_at", "reference")
            .values_list(*columns).iterator(chunk_size=EXPORT_CHUNK))
    return _csv_chunks(rows)


def _csv_chunks(rows: Iterator[tuple[Any, ...]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_FIELDS)
    for i, row in enumerate(rows, 1):
        writer.writerow(safe_row(row))
        if i % EXPORT_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
