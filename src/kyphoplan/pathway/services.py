"""The patient pathway's one owner.

Every change that can move a case's plan, reminders or status goes through a verb
here, whichever door it comes through (staff console, patient pages, REST, FHIR,
commands). Each verb does its app's part through that app's service, then, in the
same transaction, `_follow`s: re-plan if the facts that matter changed (carrying
every override), and make reminders and status match the one rule:

    reminders go out only for the latest version, once it is signed, while the
    procedure is booked and the case is not cancelled (reminders.services.desired).

Lower apps (cases, intake, plans, booking, reminders) never import this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from kyphoplan.booking import services as booking_services
from kyphoplan.booking.models import Booking, Resource
from kyphoplan.candidacy import services as candidacy_services
from kyphoplan.cases import roles
from kyphoplan.cases import services as case_services
from kyphoplan.cases.models import Case, Channel, LinkPurpose, PatientLink
from kyphoplan.cases.services import CaseDetails
from kyphoplan.cases.workflow import CaseStatus
from kyphoplan.followup.schedule_service import sync_followup
from kyphoplan.intake import services as intake_services
from kyphoplan.intake.models import Intake, IntakeStatus
from kyphoplan.plans import services as plan_services
from kyphoplan.plans.models import ImmutableError, OverlayKind, PlanOverlay, PlanVersion, Reason
from kyphoplan.plans.services import Acknowledgement, PlanNotReady
from kyphoplan.reminders import services as reminder_services
from kyphoplan.reminders.models import Reminder


@dataclass(frozen=True)
class Outcome:
    """What a verb did to the plan: the new version (None: the facts that matter did not
    change, or there is nothing to plan yet) and why no plan could be made, if so."""

    version: PlanVersion | None = None
    not_ready: str = ""


def _has_intake(case: Case) -> bool:
    return Intake.objects.filter(case=case, status=IntakeStatus.SUBMITTED).exists()


def _follow(case: Case, *, actor: Any, ip: str | None, now: datetime, reason: Reason, why: str,
            force: bool = False, note: str = "") -> Outcome:
    """Re-plan when there is something to plan, then make reminders and status match."""
    outcome = Outcome()
    if force or plan_services.latest(case) is not None or _has_intake(case):
        try:
            outcome = Outcome(version=plan_services.new_version(case, actor=actor, reason=reason, now=now, ip=ip,
                                                                force=force, note=note))
        except PlanNotReady as exc:
            if force:
                raise
            outcome = Outcome(not_ready=str(exc))
    _sync(case, actor=actor, ip=ip, now=now, why=why)
    return outcome


def _sync(case: Case, *, actor: Any, ip: str | None, now: datetime, why: str) -> list[Reminder]:
    case.refresh_from_db()
    reminders = reminder_services.schedule_for_case(case, now=now, why=why)
    newest, signed = plan_services.latest(case), plan_services.latest_signed(case)
    if (newest is not None and signed is not None and newest.pk == signed.pk
            and booking_services.active_booking(case) is not None):
        case_services.advance(case, CaseStatus.SCHEDULED, actor=actor, ip=ip, now=now, why="plan signed and booked")
    return reminders


# Cases -------------------------------------------------------------------------------------


def open_case(acting_user: Any, details: CaseDetails, *, ip: str | None, now: datetime) -> Case:
    return case_services.open_case(acting_user, details, ip=ip, now=now)


def update_case(acting_user: Any, case: Case, details: CaseDetails, *, ip: str | None,
                now: datetime) -> tuple[list[str], Outcome]:
    """Edit the case; a plan that exists is redone when levels, sedation or date changed."""
    with transaction.atomic():
        changed = case_services.update_case(acting_user, case, details, ip=ip, now=now)
        outcome = _follow(case, actor=acting_user, ip=ip, now=now, reason=Reason.CHANGE,
                          why="new plan version to sign") if changed else Outcome()
    return changed, outcome


def set_labs(acting_user: Any, case: Case, labs: dict[str, float | str], *, ip: str | None,
             now: datetime) -> Outcome:
    with transaction.atomic():
        case_services.set_labs(acting_user, case, labs, ip=ip, now=now)
        return _follow(case, actor=acting_user, ip=ip, now=now, reason=Reason.LABS, why="new plan version to sign")


def change_status(acting_user: Any, case: Case, *, new_status: CaseStatus, cancel_reason: str = "",
                  ip: str | None, now: datetime) -> None:
    """Move the case by hand; cancelling stops every reminder not yet sent."""
    with transaction.atomic():
        case_services.change_status(acting_user, case, new_status=new_status, cancel_reason=cancel_reason,
                                    ip=ip, now=now)
        _sync(case, actor=acting_user, ip=ip, now=now, why=f"case {case.get_status_display().lower()}")


def cancel_case(acting_user: Any, case: Case, *, cancel_reason: str, ip: str | None, now: datetime) -> None:
    change_status(acting_user, case, new_status=CaseStatus.CANCELLED, cancel_reason=cancel_reason, ip=ip, now=now)


def send_link(acting_user: Any, case: Case, *, purpose: LinkPurpose, channel: Channel, ip: str | None,
              now: datetime, expires_at: datetime | None = None) -> tuple[PatientLink, str]:
    """A new patient link, and the message carrying it when it goes by email or text."""
    with transaction.atomic():
        link, token = case_services.issue_link(acting_user, case, purpose=purpose, channel=channel, ip=ip, now=now,
                                               expires_at=expires_at)
        if channel in (Channel.EMAIL, Channel.SMS):
            reminder_services.send_link(case, link, token, channel=channel, now=now)
    return link, token


# Intake ------------------------------------------------------------------------------------


def save_intake(case: Case, data: dict[str, Any], *, acting_user: Any, ip: str | None, now: datetime) -> Outcome:
    """Save answers as they come. A staff change to a submitted intake re-plans."""
    with transaction.atomic():
        intake = intake_services.save_answers(case, data, acting_user=acting_user, ip=ip, now=now)
        if intake.status == IntakeStatus.SUBMITTED and acting_user is not None:
            return _follow(case, actor=acting_user, ip=ip, now=now, reason=Reason.INTAKE,
                           why="new plan version to sign")
    return Outcome()


def submit_intake(case: Case, *, acting_user: Any, ip: str | None, now: datetime) -> Outcome:
    """Close the intake and plan (when the case has a date; else the booking plans)."""
    with transaction.atomic():
        if not intake_services.submit(case, acting_user=acting_user, ip=ip, now=now):
            return Outcome()
        return _follow(case, actor=acting_user, ip=ip, now=now, reason=Reason.INTAKE, why="new plan version to sign")


def replace_intake(acting_user: Any, case: Case, data: dict[str, Any], *, ip: str | None, now: datetime) -> Outcome:
    """An integration's whole intake: save, submit if it was not, re-plan."""
    roles.require(acting_user, roles.WORK_CASES | roles.REVIEW_PLANS, ip=ip, what="intake")
    with transaction.atomic():
        intake_services.save_answers(case, data, acting_user=acting_user, ip=ip, now=now)
        intake_services.submit(case, acting_user=acting_user, ip=ip, now=now)
        return _follow(case, actor=acting_user, ip=ip, now=now, reason=Reason.INTAKE, why="new plan version to sign")


# Booking -----------------------------------------------------------------------------------


def book(acting_user: Any, case: Case, *, room: Resource, start: datetime, overnight: bool = False,
         ip: str | None, now: datetime) -> tuple[Booking, Outcome]:
    """Book or move the procedure; the plan's dates follow it."""
    with transaction.atomic():
        # Candidacy (issue 14): an absolute contraindication without a radiologist's override blocks the
        # booking; the database refuses it too (candidacy migration 0002), this gives the clear message.
        candidacy_services.ensure_bookable(case)
        booking = booking_services.book(acting_user, case, room=room, start=start, overnight=overnight, ip=ip, now=now)
        outcome = _follow(case, actor=acting_user, ip=ip, now=now, reason=Reason.BOOKING,
                          why="new plan version to sign")
        # FOLLOW-UP HOOK (issue 13): the check-ins and the bone-health track follow the date.
        sync_followup(case, procedure_at=booking.start, levels=booking.levels, now=now)
    return booking, outcome


def cancel_booking(acting_user: Any, booking: Booking, *, ip: str | None, now: datetime) -> None:
    with transaction.atomic():
        booking_services.cancel_booking(acting_user, booking, ip=ip, now=now)
        _sync(booking.case, actor=acting_user, ip=ip, now=now, why="booking cancelled")


def confirm_booking(booking: Booking, *, via: str, ref: str, now: datetime) -> bool:
    """The patient confirmed the date (a "yes" to a text, `ref` the message). Nothing else moves:
    the plan, reminders and status do not depend on it."""
    return booking_services.confirm_by_patient(booking, via=via, ref=ref, now=now)


# Plans -------------------------------------------------------------------------------------


def recompute(acting_user: Any, case: Case, *, ip: str | None, now: datetime) -> PlanVersion | None:
    """Redo the plan by hand (for example after a policy change): a version only if something
    that matters changed."""
    roles.require(acting_user, roles.REVIEW_PLANS | roles.WORK_CASES, ip=ip, what="recompute plan")
    with transaction.atomic():
        version = plan_services.new_version(case, actor=acting_user, reason=Reason.RECOMPUTE, now=now, ip=ip)
        _sync(case, actor=acting_user, ip=ip, now=now, why="new plan version to sign")
    return version


def amend(acting_user: Any, case: Case, *, reason: str, ip: str | None, now: datetime) -> PlanVersion:
    """A new version of a signed plan on a clinician's request, with their reason, carrying its
    overrides. Until it is signed, the patient sees no medication changes and no reminders go out."""
    roles.require(acting_user, roles.REVIEW_PLANS, ip=ip, what="amend plan")
    if not reason.strip():
        raise ValueError("an amendment needs a reason")
    with transaction.atomic():
        current = plan_services.latest(case)
        if current is None or not current.signed:
            raise ImmutableError("the latest version is not signed: change it directly")
        outcome = _follow(case, actor=acting_user, ip=ip, now=now, reason=Reason.AMEND, force=True,
                          note=reason.strip(), why="plan amended: new version to sign")
    assert outcome.version is not None
    return outcome.version


def add_override(
    acting_user: Any, version: PlanVersion, *, kind: OverlayKind, code: str = "", drug: str | None = None,
    occurrence: int | None = None, texts: dict[str, str] | None = None, due: datetime | None = None, reason: str,
    ip: str | None, now: datetime,
) -> PlanOverlay:
    """A clinician's change to the latest, unsigned version (it reaches the patient once signed)."""
    return plan_services.add_override(acting_user, version, kind=kind, code=code, drug=drug, occurrence=occurrence,
                                      texts=texts, due=due, reason=reason, ip=ip, now=now)


def sign(acting_user: Any, version: PlanVersion, *, acknowledged: list[Acknowledgement], ip: str | None,
         now: datetime) -> list[Reminder]:
    """Sign the latest version with every open high flag acknowledged; reminders and status follow."""
    plan_services.check_signer(acting_user, version, ip=ip, now=now)  # a refusal's audit row outlives the rollback
    with transaction.atomic():
        plan_services.sign_version(acting_user, version, acknowledged=acknowledged, ip=ip, now=now)
        return _sync(version.case, actor=acting_user, ip=ip, now=now, why="plan signed")


__all__ = [
    "Acknowledgement", "Outcome", "PlanNotReady", "add_override", "amend", "book", "cancel_booking", "cancel_case",
    "change_status", "confirm_booking", "open_case", "recompute", "replace_intake", "save_intake", "send_link", "set_labs", "sign",
    "submit_intake", "update_case",
]
