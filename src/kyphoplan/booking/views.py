"""Booking the procedure: pick a day, see free starts per room, book."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from kyphoplan.booking import services
from kyphoplan.booking.config import get_rules
from kyphoplan.booking.models import Booking, BookingStatus, Resource, ResourceKind
from kyphoplan.booking.slots import BookingRuleError, candidate_starts, procedure_minutes
from kyphoplan.cases import access, roles
from kyphoplan.cases.localtime import practice_time
from kyphoplan.pathway import services as pathway
from kyphoplan.plans.services import PlanNotReady
from kyphoplan.reminders.services import no_channel_warning
from kyphoplan.staff.decorators import staff_required
from kyphoplan.web.net import client_ip

# A booking day is near today; a day outside this window is a typo (and 0001-01-01 minus
# one day does not exist), so the page shows the default day instead.
DAY_WINDOW = timedelta(days=3 * 366)


def _day(request: HttpRequest, case: object) -> date:
    rules = get_rules()
    today = timezone.now().astimezone(rules.zone).date()
    try:
        asked = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        asked = None
    if asked is not None and abs(asked - today) <= DAY_WINDOW:
        return asked
    target: datetime | None = getattr(case, "target_start", None)
    if target is not None:
        return target.astimezone(rules.zone).date()
    return today + timedelta(days=1)


@require_http_methods(["GET", "POST"])
@staff_required()
@practice_time
def book(request: HttpRequest, case_id: str) -> HttpResponse:
    ip = client_ip(request)
    case = access.access_case(request.user, case_id, ip=ip, what="booking")
    roles.require(request.user, roles.BOOK, ip=ip, what="booking")
    rules = get_rules()
    if request.method == "POST":
        try:
            room = Resource.objects.get(pk=request.POST.get("room", ""), kind=ResourceKind.ROOM)
            start = datetime.fromisoformat(request.POST.get("start", "")).astimezone(rules.zone)
        except (Resource.DoesNotExist, ValueError):
            messages.error(request, "Choose a room and a start time.")
        else:
            try:
                pathway.book(request.user, case, room=room, start=start, overnight="overnight" in request.POST,
                             ip=ip, now=timezone.now())
            except services.SlotTaken as exc:
                messages.error(request, f"Not booked: {exc}. Choose another time.")
            except PlanNotReady as exc:
                messages.error(request, f"Not booked: the plan could not be redone ({exc}).")
            except BookingRuleError as exc:
                messages.error(request, f"Not booked: {exc}.")
            else:
                messages.success(request, "Booked.")
                if warning := no_channel_warning(case):
                    messages.warning(request, warning)
                return redirect("cases:detail", case_id=case.pk)
    day = _day(request, case)
    levels = len(case.levels_to_treat)
    rooms = []
    if levels:
        start_utc = datetime.combine(day, datetime.min.time(), tzinfo=rules.zone)
        end_utc = start_utc + timedelta(days=1, hours=2)
        for room in Resource.objects.filter(kind=ResourceKind.ROOM, active=True):
            taken = services.taken_slots(room, start_utc, end_utc)
            # The room's calendar for the day: case references and times only.
            booked = Booking.objects.filter(room=room, status=BookingStatus.ACTIVE, start__gte=start_utc,
                                            start__lt=start_utc + timedelta(days=1)).select_related("case")
            rooms.append((room, candidate_starts(day, levels, rules, taken), list(booked)))
    return render(request, "booking/book.html", {
        "case": case, "day": day, "rooms": rooms, "levels": levels,
        "minutes": procedure_minutes(levels, rules) if levels else 0, "rules": rules,
        "prev_day": day - timedelta(days=1), "next_day": day + timedelta(days=1),
        "booking": services.active_booking(case),
        "beds": Resource.objects.filter(kind=ResourceKind.BED, active=True).exists(),
    })


@require_POST
@staff_required()
@practice_time
def cancel(request: HttpRequest, case_id: str) -> HttpResponse:
    ip = client_ip(request)
    case = access.access_case(request.user, case_id, ip=ip, what="cancel booking")
    booking = services.active_booking(case)
    if booking is not None:
        try:
            pathway.cancel_booking(request.user, booking, ip=ip, now=timezone.now())
            messages.success(request, "The booking is cancelled; its reminders will not go out.")
        except BookingRuleError as exc:
            messages.error(request, str(exc))
    return redirect("cases:detail", case_id=case.pk)


@require_http_methods(["GET", "POST"])
@staff_required()
@practice_time
def resources(request: HttpRequest) -> HttpResponse:
    """Procedure rooms and overnight beds, for the practice admin."""
    ip = client_ip(request)
    roles.require(request.user, roles.MANAGE_ROOMS, ip=ip, what="rooms")
    if request.method == "POST":
        if "add" in request.POST:
            name = request.POST.get("name", "").strip()
            kind = request.POST.get("kind", "")
            if not name or kind not in ResourceKind.values or Resource.objects.filter(name=name).exists():
                messages.error(request, "Give a new, unique name and choose room or bed.")
            else:
                services.add_resource(request.user, name=name, kind=ResourceKind(kind), ip=ip, now=timezone.now())
                messages.success(request, f"{name} added.")
        else:
            try:
                resource = Resource.objects.get(pk=request.POST.get("resource", ""))
            except (Resource.DoesNotExist, ValueError, TypeError):
                messages.error(request, "Choose a room or bed from the list.")
            else:
                services.set_active(request.user, resource, active=request.POST.get("active") == "1", ip=ip,
                                    now=timezone.now())
                messages.success(request, "Saved.")
        return redirect("booking:resources")
    return render(request, "booking/resources.html", {"resources": Resource.objects.all(),
                                                      "kinds": ResourceKind.choices, "rules": get_rules()})
