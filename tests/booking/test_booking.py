import threading
from datetime import timedelta

import pytest
from django.db import connection, connections

from kyphoplan.booking import services
from kyphoplan.booking.models import Booking, BookingStatus, SlotClaim
from kyphoplan.booking.slots import BookingRuleError
from kyphoplan.cases.services import CaseDetails, open_case
from tests.pathway.fixtures import NOW, START


def _case(sam, name="Other Patient", levels=("L2",)):
    return open_case(sam, CaseDetails(patient_name=name, levels_to_treat=levels), ip=None, now=NOW)


def test_it_books_a_room_for_the_time_the_levels_need(maria_case, sam, rooms):
    b = services.book(sam, maria_case, room=rooms["room1"], start=START, ip=None, now=NOW)
    assert (b.end - b.start) == timedelta(minutes=105)  # 2 levels x 45 + 15 setup
    assert b.arrive == START - timedelta(hours=1)
    assert SlotClaim.objects.filter(booking=b, resource=rooms["room1"]).count() == 7


def test_it_refuses_an_overlapping_booking_in_the_same_room(maria_case, sam, rooms):
    services.book(sam, maria_case, room=rooms["room1"], start=START, ip=None, now=NOW)
    other = _case(sam)
    with pytest.raises(services.SlotTaken):
        services.book(sam, other, room=rooms["room1"], start=START + timedelta(minutes=90), ip=None, now=NOW)
    assert not Booking.objects.filter(case=other).exists()  # nothing half-written
    services.book(sam, other, room=rooms["room2"], start=START + timedelta(minutes=90), ip=None, now=NOW)
    services.book(sam, _case(sam, "Third"), room=rooms["room1"], start=START + timedelta(minutes=105),
                  ip=None, now=NOW)


def test_it_frees_the_old_slots_when_a_booking_moves(maria_case, sam, rooms):
    first = services.book(sam, maria_case, room=rooms["room1"], start=START, ip=None, now=NOW)
    services.book(sam, maria_case, room=rooms["room1"], start=START + timedelta(days=1), ip=None, now=NOW)
    first.refresh_from_db()
    assert first.status == BookingStatus.MOVED and not first.claims.exists()
    services.book(sam, _case(sam), room=rooms["room1"], start=START, ip=None, now=NOW)


def test_it_gives_an_overnight_bed_to_one_patient_a_night(maria_case, sam, rooms):
    b = services.book(sam, maria_case, room=rooms["room1"], start=START, overnight=True, ip=None, now=NOW)
    assert b.bed == rooms["bed1"] and b.discharge.hour == 10
    with pytest.raises(services.SlotTaken, match="bed"):
        services.book(sam, _case(sam), room=rooms["room2"], start=START + timedelta(hours=3), overnight=True,
                      ip=None, now=NOW)


def test_it_keeps_bookings_in_working_hours_and_the_future(maria_case, sam, rooms):
    with pytest.raises(BookingRuleError):
        services.book(sam, maria_case, room=rooms["room1"], start=START.replace(hour=16), ip=None, now=NOW)
    with pytest.raises(BookingRuleError, match="future"):
        services.book(sam, maria_case, room=rooms["room1"], start=START, ip=None, now=START + timedelta(days=1))


def test_it_lets_a_cancelled_booking_free_its_room(maria_case, sam, rooms):
    b = services.book(sam, maria_case, room=rooms["room1"], start=START, ip=None, now=NOW)
    services.cancel_booking(sam, b, ip=None, now=NOW)
    assert b.status == BookingStatus.CANCELLED
    services.book(sam, _case(sam), room=rooms["room1"], start=START, ip=None, now=NOW)


@pytest.mark.django_db(transaction=True)
def test_it_books_a_contested_slot_once_under_concurrent_requests(sam, rooms):
    # SQLite takes the write lock up front (IMMEDIATE) so writers queue; its shared-cache
    # test database reports "table is locked" instead of waiting. The race is PostgreSQL's.
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    cases = [_case(sam, f"Patient {i}") for i in range(8)]
    barrier = threading.Barrier(len(cases))
    outcomes: list[str] = []

    def attempt(case):
        try:
            barrier.wait()
            services.book(sam, case, room=rooms["room1"], start=START, ip=None, now=NOW)
            outcomes.append("booked")
        except services.SlotTaken:
            outcomes.append("taken")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(c,)) for c in cases]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["booked"] + ["taken"] * 7
    assert Booking.objects.filter(status=BookingStatus.ACTIVE).count() == 1
    assert SlotClaim.objects.count() == 4  # one level: 60 minutes


def test_it_lets_only_the_admin_manage_rooms(alex, sam, verified, client):
    from kyphoplan.booking.models import Resource

    verified(sam)
    assert client.get("/staff/cases/rooms/").status_code == 403
    verified(alex)
    client.post("/staff/cases/rooms/", {"add": "1", "name": "Room 3", "kind": "room"})
    room = Resource.objects.get(name="Room 3")
    client.post("/staff/cases/rooms/", {"resource": room.pk, "active": "0"})
    room.refresh_from_db()
    assert not room.active
