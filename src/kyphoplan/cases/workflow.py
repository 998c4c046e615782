"""Which case status changes are allowed. Pure: no database, no clock."""

from __future__ import annotations

from django.db import models


class CaseStatus(models.TextChoices):
    REFERRED = "referred", "Referred"
    CONTACTED = "contacted", "Contacted"
    INTAKE = "intake", "Intake"
    REVIEW = "review", "Review"
    SCHEDULED = "scheduled", "Scheduled"
    PREPARED = "prepared", "Prepared"
    DONE = "done", "Done"
    FOLLOW_UP = "follow_up", "Follow-up"
    CANCELLED = "cancelled", "Cancelled"


PIPELINE = [
    CaseStatus.REFERRED, CaseStatus.CONTACTED, CaseStatus.INTAKE, CaseStatus.REVIEW,
    CaseStatus.SCHEDULED, CaseStatus.PREPARED, CaseStatus.DONE, CaseStatus.FOLLOW_UP,
]  # fmt: skip
# Once the procedure has happened, cancelling makes no sense: the case is closed by follow-up.
CANCELLABLE = frozenset(PIPELINE[: PIPELINE.index(CaseStatus.DONE)])


class CancelReason(models.TextChoices):
    DECLINED = "declined", "Patient declined"
    NOT_CANDIDATE = "not_candidate", "Not a candidate"
    UNREACHABLE = "unreachable", "Could not reach"
    MEDICAL = "medical", "Medical reason"
    ELSEWHERE = "elsewhere", "Treated elsewhere"
    OTHER = "other", "Other"


class CaseWorkflowError(ValueError):
    pass


def allowed_next(current: CaseStatus) -> list[CaseStatus]:
    """Forward to any later stage (a phone call can skip steps), one step back, or cancel."""
    if current == CaseStatus.CANCELLED:
        return []
    at = PIPELINE.index(current)
    later = PIPELINE[at + 1 :]
    back = [PIPELINE[at - 1]] if at > 0 else []
    cancel = [CaseStatus.CANCELLED] if current in CANCELLABLE else []
    return [*later, *back, *cancel]


def check_transition(current: CaseStatus, new: CaseStatus, cancel_reason: str = "") -> None:
    if new not in allowed_next(current):
        raise CaseWorkflowError(f"cannot go from {current.label} to {new.label}")
    if new == CaseStatus.CANCELLED and cancel_reason not in CancelReason.values:
        raise CaseWorkflowError("cancelling needs a reason")
    if new != CaseStatus.CANCELLED and cancel_reason:
        raise CaseWorkflowError("only cancelling takes a reason")


def advance_to(current: CaseStatus, target: CaseStatus) -> CaseStatus:
    """Automatic moves (intake submitted, plan signed, booked) only ever go forward."""
    if current == CaseStatus.CANCELLED:
        return current
    return target if PIPELINE.index(target) > PIPELINE.index(current) else current
