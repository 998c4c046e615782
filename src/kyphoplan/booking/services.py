"""Booking, moving and cancelling procedures.

Each booking writes its slot claims in the same transaction; the unique
constraint on (resource, slot) turns a race between two schedulers into one
success and one `SlotTaken`, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.booking.config import get_rules
from kyphoplan.booking.models import Booking, BookingStatus, Resource, ResourceKind, SlotClaim
from kyphoplan.booking.slots import BookingRuleError, check_working_hours, timeline
from kyphoplan.callbacks.services import follow_case_booked
from kyphoplan.cases import roles
from kyphoplan.cases.models import Case

OBJECT_TYPE = "booking"


class SlotTaken(RuntimeError):
    """Another booking holds the room or bed at that time."""


def taken_slots(resource: Resource, start: datetime, end: datetime) -> set[datetime]:
    return set(resource.claims.filter(slot_start__gte=start, slot_start__lt=end).values_list("slot_start", flat=True))


def _free_bed(slots: list[datetime]) -> Resource | None:
    for bed in Resource.objects.filter(kind=ResourceKind.BED, active=True):
        if not bed.claims.filter(slot_start__in=slots).exists():
            return bed
    return None


def book(
    acting_user: Any, case: Case, *, room: Resource, start: datetime, overnight: bool = False,
    ip: str | None, now: datetime,
) -> Booking:
    """Book (or move) the case's procedure: room, bed and slot claims. What follows from the
    date (a re-plan, reminders, the case's status) is the pathway's (kyphoplan.pathway.book)."""
    roles.require(acting_user, roles.BOOK, ip=ip, what="book")
    if room.kind != ResourceKind.ROOM or not room.active:
        raise BookingRuleError("choose an open procedure room")
    levels = len(case.levels_to_treat)
    if levels < 1:
        raise BookingRuleError("set the levels to treat first: room time depends on them")
    rules = get_rules()
    check_working_hours(start, levels, rules)
    if start <= now:
        raise BookingRuleError("choose a time in the future")
    t = timeline(start, levels, rules, overnight=overnight)
    try:
        with transaction.atomic():
            locked = Case.objects.select_for_update().get(pk=case.pk)
            previous = Booking.objects.filter(case=locked, status=BookingStatus.ACTIVE).first()
            if previous is not None:
                previous.claims.all().delete()
                previous.status, previous.ended_at = BookingStatus.MOVED, now
                previous.save(update_fields=["status", "ended_at"])
            bed = _free_bed(t.bed_slots()) if overnight else None
            if overnight and bed is None:
                raise SlotTaken("no overnight bed is free that night")
            booking = Booking.objects.create(
                case=locked, room=room, bed=bed, levels=levels, arrive=t.arrive, start=t.start, end=t.end,
                discharge=t.discharge, created_at=now, created_by=acting_user,
            )
            claims = [SlotClaim(resource=room, slot_start=s, booking=booking) for s in t.room_slots()]
            if bed is not None:
                claims += [SlotClaim(resource=bed, slot_start=s, booking=booking) for s in t.bed_slots()]
            SlotClaim.objects.bulk_create(claims)
            record(acting_user, Action.CREATE, ip=ip, object_type=OBJECT_TYPE, object_id=booking.pk, at=now,
                   detail={"case": str(case.pk), "moved_from": previous.pk if previous else None,
                           "room": room.pk, "bed": bed.pk if bed else None})
            if locked.callback_id is not None:  # the patient has a date: the call-back is done
                follow_case_booked(locked.callback_id, actor=acting_user, ip=ip, now=now, why="booked")
    except IntegrityError as exc:
        raise SlotTaken("that time is no longer free") from exc
    case.refresh_from_db()
    return booking


def cancel_booking(acting_user: Any, booking: Booking, *, ip: str | None, now: datetime) -> None:
    roles.require(acting_user, roles.BOOK, ip=ip, what="cancel booking")
    with transaction.atomic():
        locked = Booking.objects.select_for_update().get(pk=booking.pk)
        if locked.status != BookingStatus.ACTIVE:
            return
        locked.claims.all().delete()
        locked.status, locked.ended_at = BookingStatus.CANCELLED, now
        locked.save(update_fields=["status", "ended_at"])
        record(acting_user, Action.UPDATE, ip=ip, object_type=OBJECT_TYPE, object_id=booking.pk, at=now,
               detail={"cancelled": True})
    booking.refresh_from_db()


def confirm_by_patient(booking: Booking, *, via: str, ref: str, now: datetime) -> bool:
    """The patient confirmed this booking (a "yes" to a text). Only a live booking ahead of
    `now`, once; the audit row names how. True if it was confirmed now."""
    with transaction.atomic():
        done = Booking.objects.filter(pk=booking.pk, status=BookingStatus.ACTIVE, start__gt=now,
                                      confirmed_at__isnull=True).update(confirmed_at=now, confirmed_via=via[:40])
        if done:
            record(None, Action.UPDATE, ip=None, object_type=OBJECT_TYPE, object_id=booking.pk, at=now,
                   username="patient-sms" if via == "text" else "patient",
                   detail={"confirmed_by_patient": via, "ref": ref})
    booking.refresh_from_db()
    return bool(done)


def active_booking(case: Case) -> Booking | None:
    return case.bookings.filter(status=BookingStatus.ACTIVE).select_related("room", "bed").first()


def add_resource(acting_user: Any, *, name: str, kind: ResourceKind, ip: str | None, now: datetime) -> Resource:
    roles.require(acting_user, roles.MANAGE_ROOMS, ip=ip, what="add room")
    with transaction.atomic():
        resource = Resource.objects.create(name=name.strip(), kind=kind)
        record(acting_user, Action.CREATE, ip=ip, object_type="resource", object_id=resource.pk, at=now,
               detail={"kind": kind})
    return resource


def set_active(acting_user: Any, resource: Resource, *, active: bool, ip: str | None, now: datetime) -> None:
    """Taking a room out of use keeps its bookings; it is just no longer offered."""
    roles.require(acting_user, roles.MANAGE_ROOMS, ip=ip, what="room in use")
    with transaction.atomic():
        Resource.objects.filter(pk=resource.pk).update(active=active)
        record(acting_user, Action.UPDATE, ip=ip, object_type="resource", object_id=resource.pk, at=now,
               detail={"active": active})
