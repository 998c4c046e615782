"""The status rules, as pure functions."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kyphoplan.callbacks.models import CloseReason, Outcome, Status
from kyphoplan.callbacks.workflow import (
    ALLOWED,
    WorkflowError,
    check_transition,
    status_after_attempt,
)


def test_it_follows_the_happy_path() -> None:
    check_transition(Status.NEW, Status.ATTEMPTED, "")
    check_transition(Status.ATTEMPTED, Status.REACHED, "")
    check_transition(Status.REACHED, Status.SCHEDULED, "")


def test_it_never_reopens_a_closed_request() -> None:
    assert ALLOWED[Status.CLOSED] == frozenset()


@given(st.sampled_from(list(Status)), st.sampled_from(list(Status)))
def test_it_accepts_exactly_the_allowed_moves(current: Status, new: Status) -> None:
    reason = CloseReason.OTHER if new == Status.CLOSED else ""
    if new in ALLOWED[current]:
        check_transition(current, new, reason)
    else:
        with pytest.raises(WorkflowError):
            check_transition(current, new, reason)


@given(st.sampled_from([Status.NEW, Status.ATTEMPTED]), st.sampled_from(list(Outcome)))
def test_it_moves_forward_after_a_call(current: Status, outcome: Outcome) -> None:
    after = status_after_attempt(current, outcome)
    assert after == (Status.REACHED if outcome == Outcome.REACHED else Status.ATTEMPTED)


@pytest.mark.parametrize("current", [Status.REACHED, Status.SCHEDULED, Status.CLOSED])
def test_it_logs_calls_only_on_open_requests(current: Status) -> None:
    with pytest.raises(WorkflowError):
        status_after_attempt(current, Outcome.NO_ANSWER)
