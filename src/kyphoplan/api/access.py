"""Reads of patient data by integrations (REST and FHIR): each checks the token owner's
permission and writes an audit row naming the owner, the token and the records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied

from kyphoplan.api.tokens import Caller
from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.booking.models import Booking
from kyphoplan.booking.services import OBJECT_TYPE as BOOKING
from kyphoplan.callbacks.access import VIEW as VIEW_CALLBACKS
from kyphoplan.callbacks.models import CallbackRequest
from kyphoplan.callbacks.services import OBJECT_TYPE as CALLBACK
from kyphoplan.cases import roles
from kyphoplan.cases.models import Case
from kyphoplan.intake.models import Intake
from kyphoplan.web import keyset

CALLBACK_ORDER = ("created_at", "reference")
BOOKING_ORDER = ("start", "id")


def _check(caller: Caller, perm: str, ip: str | None, what: str, via: str) -> None:
    if not caller.user.has_perm(perm):
        record(caller.user, Action.DENIED, ip=ip, object_type=CALLBACK,
               detail={"tried": what, "via": via, "token": caller.token.prefix})
        raise PermissionDenied


def access_callback(caller: Caller, request_id: UUID, *, ip: str | None, via: str) -> CallbackRequest:
    _check(caller, VIEW_CALLBACKS, ip, "read", via)
    req = CallbackRequest.objects.select_related("assigned_to").get(pk=request_id)
    record(caller.user, Action.VIEW, ip=ip, object_type=CALLBACK, object_id=req.pk,
           detail={"via": via, "token": caller.token.prefix})
    return req


def access_callbacks(
    caller: Caller, *, statuses: list[str] | None, after: str | None, count: int, ip: str | None, via: str
) -> keyset.KeyPage[CallbackRequest]:
    """One page, oldest first, after the cursor `after`. Raises keyset.BadCursor."""
    _check(caller, VIEW_CALLBACKS, ip, "search", via)
    qs = CallbackRequest.objects.select_related("assigned_to")
    if statuses is not None:
        qs = qs.filter(status__in=statuses)
    found = keyset.page(qs, CALLBACK_ORDER, size=count, after=after)
    record(caller.user, Action.SEARCH, ip=ip, object_type=CALLBACK,
           detail={"via": via, "token": caller.token.prefix, "count": len(found.rows),
                   "ids": [str(r.pk) for r in found.rows]})
    return found


@dataclass(frozen=True)
class BookingQuery:
    """Filters of a booking search; `start_from`/`start_before` bound the procedure start."""

    start_from: datetime | None = None
    start_before: datetime | None = None
    case_id: UUID | None = None
    statuses: list[str] | None = None

    def used(self) -> list[str]:
        names = {"from": self.start_from, "to": self.start_before, "case": self.case_id, "status": self.statuses}
        return [name for name, value in names.items() if value is not None]


def access_booking(caller: Caller, booking_id: int, *, ip: str | None, via: str) -> Booking:
    """One booking (room, bed, times) of a case: the case roles decide who may read it."""
    roles.require(caller.user, roles.VIEW_CASES, ip=ip, what=f"{via} booking")
    booking = Booking.objects.select_related("room", "bed").get(pk=booking_id)
    record(caller.user, Action.VIEW, ip=ip, object_type=BOOKING, object_id=booking.pk,
           detail={"via": via, "token": caller.token.prefix, "case": str(booking.case_id)})
    return booking


def access_bookings(
    caller: Caller, query: BookingQuery, *, after: str | None, count: int, ip: str | None, via: str
) -> keyset.KeyPage[Booking]:
    """One page by procedure start, after the cursor `after`. Raises keyset.BadCursor."""
    roles.require(caller.user, roles.VIEW_CASES, ip=ip, what=f"{via} bookings")
    qs = Booking.objects.select_related("room", "bed")
    if query.start_from is not None:
        qs = qs.filter(start__gte=query.start_from)
    if query.start_before is not None:
        qs = qs.filter(start__lt=query.start_before)
    if query.case_id is not None:
        qs = qs.filter(case_id=query.case_id)
    if query.statuses is not None:
        qs = qs.filter(status__in=query.statuses)
    found = keyset.page(qs, BOOKING_ORDER, size=count, after=after)
    record(caller.user, Action.SEARCH, ip=ip, object_type=BOOKING,
           detail={"via": via, "token": caller.token.prefix, "filters": query.used(), "count": len(found.rows),
                   "ids": [str(r.pk) for r in found.rows]})
    return found


def access_intake(caller: Caller, case_id: UUID, *, ip: str | None, via: str) -> tuple[Case, Intake | None]:
    """A case's intake answers (None when nobody has saved any yet). Audited as a view of the
    case, like `cases.access.access_case` (page "<via> intake"), naming the token too."""
    roles.require(caller.user, roles.VIEW_CASES, ip=ip, what=f"{via} intake")
    case = Case.objects.get(pk=case_id)
    intake = Intake.objects.filter(case=case).first()
    record(caller.user, Action.VIEW, ip=ip, object_type="case", object_id=case.pk,
           detail={"page": f"{via} intake", "via": via, "token": caller.token.prefix,
                   "intake": intake.pk if intake else None})
    return case, intake
