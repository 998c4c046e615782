"""Which status changes are allowed. Pure: no database, no clock."""

from __future__ import annotations

from kyphoplan.callbacks.models import CloseReason, Outcome, Status


class WorkflowError(ValueError):
    pass


ALLOWED: dict[Status, frozenset[Status]] = {
    Status.NEW: frozenset({Status.ATTEMPTED, Status.REACHED, Status.CLOSED}),
    Status.ATTEMPTED: frozenset({Status.REACHED, Status.CLOSED}),
    Status.REACHED: frozenset({Status.SCHEDULED, Status.CLOSED}),
    # A booked patient can still cancel.
    Status.SCHEDULED: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


def check_transition(current: Status, new: Status, close_reason: str) -> None:
    if new not in ALLOWED[current]:
        raise WorkflowError(f"cannot go from {current.label} to {new.label}")
    if new == Status.CLOSED and close_reason not in CloseReason.values:
        raise WorkflowError("closing needs a reason")
    if new != Status.CLOSED and close_reason:
        raise WorkflowError("only closing takes a reason")


def status_after_attempt(current: Status, outcome: Outcome) -> Status:
    """Logging a call moves the request along; it never moves it backwards."""
    if current not in (Status.NEW, Status.ATTEMPTED):
        raise WorkflowError(f"calls are logged only on open requests, not {current.label}")
    if outcome == Outcome.REACHED:
        return Status.REACHED
    return Status.ATTEMPTED
