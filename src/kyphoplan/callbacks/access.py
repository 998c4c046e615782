"""Every read of call-back requests goes through a function here, and each writes an
audit row naming the reader, the records and the address."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.callbacks.models import OPEN_STATUSES, CallbackRequest, Status
from kyphoplan.callbacks.services import OBJECT_TYPE
from kyphoplan.web.csvsafe import safe_row

VIEW = "callbacks.view_callbackrequest"
EXPORT = "callbacks.export_callbackrequest"
PAGE_SIZE = 50


@dataclass(frozen=True)
class QueueFilter:
    status: str = "open"  # "open", "all", or a Status value
    assigned: str = "all"  # "all", "me", "unassigned"
    overdue_only: bool = False
    search: str = ""
    page: int = 1


def _check(user: AbstractBaseUser, perm: str, ip: str | None, what: str) -> None:
    if not user.has_perm(perm):  # type: ignore[attr-defined]
        record(user, Action.DENIED, ip=ip, object_type=OBJECT_TYPE, detail={"tried": what})
        raise PermissionDenied


def _filtered(user: AbstractBaseUser, f: QueueFilter, now: datetime) -> QuerySet[CallbackRequest]:
    qs = CallbackRequest.objects.select_related("assigned_to")
    if f.status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif f.status in Status.values:
        qs = qs.filter(status=f.status)
    if f.assigned == "me":
        qs = qs.filter(assigned_to=user)
    elif f.assigned == "unassigned":
        qs = qs.filter(assigned_to__isnull=True)
    if f.overdue_only:
        qs = qs.filter(status__in=OPEN_STATUSES, due_by__lt=now)
    term = f.search.strip()
    if term:
        digits = "".join(ch for ch in term if ch.isdigit())
        cond = Q(name__icontains=term) | Q(reference__iexact=term.upper())
        if len(digits) >= 4:
            cond |= Q(phone_e164__contains=digits)
        qs = qs.filter(cond)
    # Ties (requests sent outside opening hours share a due time) keep arrival order.
    return qs.order_by("due_by", "created_at", "reference")


@dataclass(frozen=True)
class QueuePage:
    rows: list[CallbackRequest]
    page: int
    has_next: bool

    # Iterating a page gives its rows, so callers that only want the rows can loop on it.
    def __iter__(self) -> Iterator[CallbackRequest]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def access_queue(user: AbstractBaseUser, f: QueueFilter, *, ip: str | None, now: datetime) -> QueuePage:
    _check(user, VIEW, ip, "queue")
    start = (max(f.page, 1) - 1) * PAGE_SIZE
    # One row more than a page tells whether there is a next page without a COUNT.
    fetched = list(_filtered(user, f, now)[start : start + PAGE_SIZE + 1])
    rows = fetched[:PAGE_SIZE]
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
                "page": f.page,
            },
        },
    )
    return QueuePage(rows=rows, page=max(f.page, 1), has_next=len(fetched) > PAGE_SIZE)


def access_request(user: AbstractBaseUser, request_id: object, *, ip: str | None) -> CallbackRequest:
    _check(user, VIEW, ip, "request")
    req = CallbackRequest.objects.select_related("assigned_to").get(pk=request_id)
    record(user, Action.VIEW, ip=ip, object_type=OBJECT_TYPE, object_id=req.pk)
    return req


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


def access_export_csv(user: AbstractBaseUser, *, ip: str | None) -> str:
    _check(user, EXPORT, ip, "export")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_FIELDS)
    count = 0
    for req in CallbackRequest.objects.select_related("assigned_to").order_by("created_at"):
        row = [getattr(req, f) for f in CSV_FIELDS[:-1]]
        row.append(req.assigned_to.get_username() if req.assigned_to else "")
        writer.writerow(safe_row(row))
        count += 1
    record(user, Action.EXPORT, ip=ip, object_type=OBJECT_TYPE, detail={"count": count})
    return out.getvalue()
