"""The demo's background loop sends check-ins too: an outside tester waited for Maria's
"before the procedure" check-in, which only arrived after running `send_checkins` by hand."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from kyphoplan.followup.models import CheckIn, CheckInStatus
from kyphoplan.followup.timepoints import TimePoint
from kyphoplan.web.serve import work_once

pytestmark = pytest.mark.django_db


def test_it_queues_a_due_check_in_in_the_demo_loop(booked: Any, clock: Any) -> None:
    base = CheckIn.objects.get(case=booked, timepoint=TimePoint.BASELINE)
    assert base.status == CheckInStatus.SCHEDULED
    clock.move_to(base.due_at + timedelta(minutes=1))

    work_once()

    base.refresh_from_db()
    assert base.status != CheckInStatus.SCHEDULED and base.sent_at is not None
