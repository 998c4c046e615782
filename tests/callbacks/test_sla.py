"""The call-back service level behind the practice dashboard: counted per day as requests
arrive and are called, read without touching the requests of past days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from kyphoplan.callbacks import sla
from kyphoplan.callbacks.models import CallbackRequest, Outcome
from kyphoplan.callbacks.services import NewRequest, record_attempt, submit_request
from kyphoplan.tallies.counters import read_prefixes
from kyphoplan.web.practice import get_practice

pytestmark = pytest.mark.django_db

# Monday and Tuesday, 9:00 in Los Angeles (the demo practice): a request made then is due at
# 13:00 the same working day (four business hours), 21:00 UTC, the same UTC date.
MONDAY = datetime(2026, 11, 16, 17, 0, tzinfo=UTC)
TUESDAY = MONDAY + timedelta(days=1)


def _request(i: int, now: datetime) -> CallbackRequest:
    data = NewRequest(f"Caller {i}", "+14155550100", "", "en", "other", [], [], True, False)
    return submit_request(data, form_token=f"sla-test-token-{i:08d}", ip=None, now=now, practice=get_practice())[0]


def _counted() -> dict[str, int]:
    return {k: t.n for k, t in read_prefixes(sla.PREFIX).items() if t.n}


def test_it_counts_a_call_on_time_once_and_a_late_call_not_at_all(sam: Any) -> None:
    on_time, late, never = (_request(i, MONDAY) for i in range(3))
    record_attempt(sam, on_time, outcome=Outcome.NO_ANSWER, note="", ip=None, now=on_time.due_by - timedelta(hours=1))
    record_attempt(sam, on_time, outcome=Outcome.REACHED, note="", ip=None, now=on_time.due_by)  # a second on-time call
    record_attempt(sam, late, outcome=Outcome.REACHED, note="", ip=None, now=late.due_by + timedelta(minutes=1))
    assert never.due_by == on_time.due_by

    level = sla.service_level(MONDAY + timedelta(days=3))
    assert (level.due, level.met) == (3, 1)


def test_it_matches_a_rebuild_from_the_tables(sam: Any) -> None:
    requests = [_request(i, MONDAY + timedelta(days=i % 4, hours=i)) for i in range(8)]
    for n, req in enumerate(requests):
        if n % 3:
            record_attempt(sam, req, outcome=Outcome.REACHED, note="", ip=None,
                           now=req.due_by + timedelta(hours=-1 if n % 2 else 1))
    live = _counted()
    assert sum(v for k, v in live.items() if ":due:" in k) == 8

    sla.rebuild()
    assert _counted() == live


def test_it_counts_today_up_to_now_and_leaves_out_days_past_the_window(sam: Any) -> None:
    old = _request(0, TUESDAY - timedelta(days=sla.WINDOW_DAYS + 1))
    yesterday = _request(1, MONDAY)
    today = _request(2, TUESDAY)
    record_attempt(sam, old, outcome=Outcome.REACHED, note="", ip=None, now=old.due_by)
    record_attempt(sam, today, outcome=Outcome.REACHED, note="", ip=None, now=TUESDAY)
    assert yesterday.due_by < TUESDAY < today.due_by

    assert sla.service_level(TUESDAY) == sla.ServiceLevel(due=1, met=0)  # today's request is not due yet
    after = today.due_by + timedelta(minutes=1)
    assert after.date() == TUESDAY.date()
    assert sla.service_level(after) == sla.ServiceLevel(due=2, met=1)


def test_it_reads_the_same_few_rows_however_many_requests_there_are(
        sam: Any, django_assert_num_queries: Any) -> None:
    for i in range(40):
        _request(i, MONDAY - timedelta(days=i))
    with django_assert_num_queries(3):  # the window's tallies, today's requests, today's calls on time
        level = sla.service_level(MONDAY + timedelta(days=10))  # every one of them is due by then
    assert level.due == 40
