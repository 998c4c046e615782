"""GET /bookings and /bookings/{id}: procedure bookings for integrations (scope bookings:read).

Every booking is listed, moved and cancelled ones too (`status`); `from`/`to` are days in the
practice's time zone and bound the procedure start, both inclusive.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest
from ninja import Field, P, PathEx, Query, Router, Schema

from kyphoplan.api import access
from kyphoplan.api.auth import caller_with
from kyphoplan.api.errors import ApiError, ErrorOut
from kyphoplan.api.models import Scope
from kyphoplan.api.pagination import Page, PageQuery
from kyphoplan.booking.models import Booking, BookingStatus
from kyphoplan.web.keyset import BadCursor
from kyphoplan.web.net import client_ip
from kyphoplan.web.practice import get_practice

router = Router(tags=["bookings"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}
MAX_ID = 2**63 - 1
# Days far enough from the calendar's ends that midnight in any zone converts to UTC.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9998, 12, 31)


class BookingOut(Schema):
    id: int
    case_id: UUID
    room: str = Field(..., description="the procedure room's name")
    bed: str | None = Field(..., description="the overnight bed's name, when the patient stays the night")
    overnight: bool
    levels: int = Field(..., description="number of vertebral levels the room time was planned for")
    arrive: datetime
    start: datetime = Field(..., description="procedure start")
    end: datetime = Field(..., description="procedure end (the room is free again)")
    discharge: datetime
    status: BookingStatus = Field(..., description="active; moved (replaced by a later booking); cancelled")
    created_at: datetime
    ended_at: datetime | None = Field(..., description="when it was moved or cancelled")


class BookingFilter(PageQuery):
    start_from: date | None = Field(None, alias="from", ge=FIRST_DAY, le=LAST_DAY,
                                    description="first day (practice time zone)")
    start_to: date | None = Field(None, alias="to", ge=FIRST_DAY, le=LAST_DAY,
                                  description="last day (practice time zone), inclusive")
    case: UUID | None = Field(None, description="only this case's bookings")
    status: BookingStatus | None = None


def _out(b: Booking) -> dict[str, Any]:
    return {"id": b.pk, "case_id": b.case_id, "room": b.room.name, "bed": b.bed.name if b.bed else None,
            "overnight": b.overnight, "levels": b.levels, "arrive": b.arrive, "start": b.start, "end": b.end,
            "discharge": b.discharge, "status": b.status, "created_at": b.created_at, "ended_at": b.ended_at}


def _query(f: BookingFilter) -> access.BookingQuery:
    if f.start_from is not None and f.start_to is not None and f.start_to < f.start_from:
        raise ApiError(422, "invalid", "is before from", "to")
    zone = get_practice().hours.zone

    def midnight(day: date) -> datetime:
        return datetime.combine(day, time(0, 0), tzinfo=zone)

    return access.BookingQuery(
        start_from=midnight(f.start_from) if f.start_from is not None else None,
        start_before=midnight(f.start_to + timedelta(days=1)) if f.start_to is not None else None,
        case_id=f.case, statuses=[f.status] if f.status else None,
    )


@router.get("", response={200: Page[BookingOut], **ERRORS},
            summary="List bookings by procedure start, earliest first (scope bookings:read)")
def list_bookings(request: HttpRequest, filters: Query[BookingFilter]) -> dict[str, Any]:
    caller = caller_with(request, Scope.BOOKINGS_READ)
    try:
        found = access.access_bookings(caller, _query(filters), after=filters.cursor, count=filters.page_size,
                                       ip=client_ip(request), via="api")
    except BadCursor as exc:
        raise ApiError(422, "invalid", str(exc), "cursor") from None
    return {"items": [_out(b) for b in found.rows], "next_cursor": found.next, "page_size": filters.page_size}


@router.get("/{booking_id}", response={200: BookingOut, 404: ErrorOut, **ERRORS},
            summary="Read one booking (scope bookings:read)")
def get_booking(request: HttpRequest, booking_id: PathEx[int, P(ge=1, le=MAX_ID)]) -> dict[str, Any]:
    caller = caller_with(request, Scope.BOOKINGS_READ)
    try:
        return _out(access.access_booking(caller, booking_id, ip=client_ip(request), via="api"))
    except ObjectDoesNotExist:
        raise Http404 from None
