"""Plan versions: compute from the case, overlay, sign. Each verb audits in its transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.cases import roles
from kyphoplan.cases.models import Case
from kyphoplan.plans.diff import Change, diff_plans
from kyphoplan.plans.effective import Line, Overlay, effective_lines
from kyphoplan.plans.engine import lists_insulin, run_engine
from kyphoplan.plans.facts_builder import Answers, CaseInputs, build_facts, material
from kyphoplan.plans.models import ImmutableError, OverlayKind, PlanOverlay, PlanVersion, Reason
from kyphoplan.policy.services import current_policy
from kyphoplan.web.practice import get_practice

OBJECT_TYPE = "planversion"


class PlanNotReady(ValueError):
    """The case lacks something the engine needs (a date, an intake)."""


def procedure_start(case: Case) -> datetime | None:
    booking = case.bookings.filter(status="active").first()
    return booking.start if booking is not None else case.target_start


def facts_for(case: Case, now: datetime) -> dict[str, Any]:
    start = procedure_start(case)
    if start is None:
        raise PlanNotReady("set a provisional date or book the procedure first")
    from kyphoplan.intake.models import Intake

    # Read afresh: `case.intake` may be a copy cached before this request saved the answers.
    intake = Intake.objects.filter(case=case).first()
    answers = intake.answers() if intake is not None else Answers()
    lines = [m.text for m in answers.medicines if m.text.strip()]
    # The practice's clinical policy (kyphoplan.policy): the rule set, and only the settings
    # that differ from the engine's defaults, so an unchanged policy leaves the facts as before.
    protocol, policies = current_policy()
    inputs = CaseInputs(
        levels=tuple(case.levels_to_treat), sedation=case.sedation, age=case.age_on(start), sex=case.sex,
        language=case.language, protocol=protocol, labs=dict(case.labs or {}),
    )
    zone = get_practice().hours.zone
    return build_facts(inputs, answers, start=start.astimezone(zone), timezone=zone.key,
                       as_of=now.astimezone(zone), insulin_listed=bool(answers.insulin) and lists_insulin(lines),
                       policies=policies)


def latest(case: Case) -> PlanVersion | None:
    return case.plan_versions.order_by("-number").first()


def latest_signed(case: Case) -> PlanVersion | None:
    return case.plan_versions.filter(signed_at__isnull=False).order_by("-number").first()


def recompute(case: Case, *, actor: Any, reason: Reason, now: datetime, ip: str | None) -> PlanVersion | None:
    """A new version if the facts that matter changed since the latest one; else None.

    Call inside the transaction that changed the facts."""
    from kyphoplan.clinical.facts import FactsError

    facts = facts_for(case, now)
    current = latest(case)
    if current is not None and material(current.facts) == material(facts):
        return None
    try:
        plan = run_engine(facts)
    except FactsError as exc:
        raise PlanNotReady(f"{exc.field}: {exc.message}") from exc
    with transaction.atomic():
        number = (current.number + 1) if current else 1
        version = PlanVersion.objects.create(
            case=case, number=number, created_at=now, created_by=actor if actor else None, reason=reason,
            facts=facts, plan=plan, ruleset_version=plan["ruleset_version"],
        )
        record(actor, Action.CREATE, ip=ip, object_type=OBJECT_TYPE, object_id=version.pk, at=now,
               username="patient" if actor is None else "",
               detail={"case": str(case.pk), "number": number, "reason": reason})
        # The signed plan no longer matches the facts: nothing goes out until this one is signed.
        from kyphoplan.reminders.services import cancel_pending

        cancel_pending(case, now=now, why="new plan version to sign")
    return version


def recompute_by_staff(acting_user: Any, case: Case, *, now: datetime, ip: str | None) -> PlanVersion | None:
    roles.require(acting_user, roles.REVIEW_PLANS | roles.WORK_CASES, ip=ip, what="recompute plan")
    return recompute(case, actor=acting_user, reason=Reason.RECOMPUTE, now=now, ip=ip)


def overlays(version: PlanVersion) -> list[Overlay]:
    return [
        Overlay(kind=o.kind, action_index=o.action_index, text=o.text, due=o.due, reason=o.reason,
                by=o.by.get_username())
        for o in version.overlays.select_related("by")
    ]


def lines_for(version: PlanVersion, language: str) -> list[Line]:
    return effective_lines(version.plan, overlays(version), language)


def add_overlay(
    acting_user: Any, version: PlanVersion, *, kind: OverlayKind, action_index: int | None, text: str,
    due: datetime | None, reason: str, ip: str | None, now: datetime,
) -> PlanOverlay:
    roles.require(acting_user, roles.REVIEW_PLANS, ip=ip, what="edit plan")
    if not reason.strip():
        raise ValueError("a change needs a reason")
    if kind != OverlayKind.ADD and (action_index is None or not 0 <= action_index < len(version.plan["actions"])):
        raise ValueError("choose a line of the plan")
    if kind == OverlayKind.ADD and not text.strip():
        raise ValueError("write the instruction")
    with transaction.atomic():
        locked = PlanVersion.objects.select_for_update().get(pk=version.pk)
        if locked.signed:
            raise ImmutableError("a signed plan version cannot be changed")
        overlay = PlanOverlay.objects.create(version=locked, kind=kind, action_index=action_index, text=text.strip(),
                                             due=due, reason=reason.strip(), by=acting_user, at=now)
        # Test the overlay applies before it is kept.
        effective_lines(locked.plan, overlays(locked), "en")
        record(acting_user, Action.UPDATE, ip=ip, object_type=OBJECT_TYPE, object_id=version.pk, at=now,
               detail={"overlay": kind, "action_index": action_index})
    return overlay


def sign(acting_user: Any, version: PlanVersion, *, ip: str | None, now: datetime) -> None:
    """Sign the latest version. From here on it never changes; reminders follow it."""
    roles.require(acting_user, roles.REVIEW_PLANS, ip=ip, what="sign plan")
    from kyphoplan.cases.services import advance
    from kyphoplan.cases.workflow import CaseStatus
    from kyphoplan.reminders.services import schedule_for_case

    with transaction.atomic():
        locked = PlanVersion.objects.select_for_update().get(pk=version.pk)
        if locked.signed:
            raise ImmutableError("this version is already signed")
        newest = latest(locked.case)
        if newest is not None and newest.pk != locked.pk:
            raise ImmutableError("a newer version exists: review and sign that one")
        # A queryset update: save() would refuse once signed_at is set on the instance.
        PlanVersion.objects.filter(pk=locked.pk, signed_at__isnull=True).update(signed_at=now, signed_by=acting_user)
        record(acting_user, Action.UPDATE, ip=ip, object_type=OBJECT_TYPE, object_id=version.pk, at=now,
               detail={"signed": True, "number": locked.number})
        case = locked.case
        if case.bookings.filter(status="active").exists():
            advance(case, CaseStatus.SCHEDULED, actor=acting_user, ip=ip, now=now, why="plan signed")
            schedule_for_case(case, now=now)
    version.refresh_from_db()


def changes_since_signed(version: PlanVersion) -> list[Change] | None:
    signed = latest_signed(version.case)
    if signed is None or signed.pk == version.pk or signed.number > version.number:
        return None
    return diff_plans(signed.plan, version.plan)
