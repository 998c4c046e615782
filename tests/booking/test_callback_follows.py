"""Sam books Maria's case: the call-back request she started from stops saying "reached"."""

from __future__ import annotations

from typing import Any

import pytest

from kyphoplan.audit.models import AuditEvent
from kyphoplan.booking import services
from kyphoplan.callbacks.models import Outcome, Status
from kyphoplan.callbacks.services import record_attempt
from kyphoplan.cases.services import case_from_callback, change_status
from kyphoplan.cases.workflow import CaseStatus
from tests.pathway.fixtures import NOW, START

pytestmark = pytest.mark.django_db


def _reached_case(maria_request: Any, sam: Any) -> Any:
    record_attempt(sam, maria_request, outcome=Outcome.REACHED, note="", ip=None, now=NOW)
    case = case_from_callback(sam, maria_request, ip=None, now=NOW)
    case.levels_to_treat = ["L1"]
    case.save()
    return case


def test_it_schedules_the_call_back_when_its_case_is_booked(maria_request: Any, sam: Any, rooms: Any) -> None:
    case = _reached_case(maria_request, sam)
    maria_request.refresh_from_db()
    assert maria_request.status == Status.REACHED
    services.book(sam, case, room=rooms["room1"], start=START, ip=None, now=NOW)
    maria_request.refresh_from_db()
    assert maria_request.status == Status.SCHEDULED
    changes = [e.detail for e in AuditEvent.objects.filter(object_id=str(maria_request.pk)).order_by("pk")
               if "why" in e.detail]
    assert changes == [{"status": ["reached", "scheduled"], "why": "booked"}]


def test_it_schedules_the_call_back_when_staff_move_the_case_past_scheduling(
    maria_request: Any, sam: Any
) -> None:
    case = _reached_case(maria_request, sam)
    change_status(sam, case, new_status=CaseStatus.PREPARED, ip=None, now=NOW)
    maria_request.refresh_from_db()
    assert maria_request.status == Status.SCHEDULED


def test_it_leaves_the_call_back_alone_before_booking(maria_request: Any, sam: Any) -> None:
    case = _reached_case(maria_request, sam)
    change_status(sam, case, new_status=CaseStatus.REVIEW, ip=None, now=NOW)
    maria_request.refresh_from_db()
    assert maria_request.status == Status.REACHED
