"""Plan versions: compute from the case, carry and add overrides, sign. Each verb audits in
its transaction. What follows from a new version or a signature (reminders, the case's
status) is the pathway's business (kyphoplan.pathway), which calls these verbs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.cases import roles
from kyphoplan.cases.models import Case
from kyphoplan.clinical.facts import FactsError
from kyphoplan.intake.models import Intake
from kyphoplan.plans.diff import Change, diff_plans
from kyphoplan.plans.effective import (
    Line,
    MedicineInstruction,
    Overlay,
    OverrideKind,
    Target,
    effective_lines,
    find_target,
    has_target,
    medicines,
    targets,
)
from kyphoplan.plans.engine import lists_insulin, run_engine
from kyphoplan.plans.facts_builder import Answers, CaseInputs, build_facts, material
from kyphoplan.plans.models import ImmutableError, OverlayKind, PlanOverlay, PlanVersion, Reason
from kyphoplan.policy.services import current_policy
from kyphoplan.web.practice import get_practice

OBJECT_TYPE = "planversion"
NOT_CARRIED = "override-not-carried"  # the acknowledgement code of an override whose line is gone


class PlanNotReady(ValueError):
    """The case lacks something the engine needs (a date, an intake)."""


class NeedsRadiologist(ValueError):
    """A plan that asks the patient to take premedication (a prescription: prednisone,
    diphenhydramine) tells them "your radiologist wants you to take this": a radiologist signs it."""

    def __init__(self) -> None:
        super().__init__("this plan has premedication for a contrast allergy: a radiologist signs it")


RADIOLOGIST_SIGNS = frozenset({"take-premedication"})  # action codes whose order is the radiologist's


class FlagsNotAcknowledged(ValueError):
    """Signing needs every open high flag acknowledged; `left` names those that were not."""

    def __init__(self, left: list[dict[str, str]]) -> None:
        super().__init__("acknowledge every high flag before signing: "
                         + ", ".join(f"{f['code']} {f['drug']}".strip() for f in left))
        self.left = left


def procedure_start(case: Case) -> datetime | None:
    booking = case.bookings.filter(status="active").first()
    return booking.start if booking is not None else case.target_start


def facts_for(case: Case, now: datetime) -> dict[str, Any]:
    start = procedure_start(case)
    if start is None:
        raise PlanNotReady("set a provisional date or book the procedure first")
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


def _target_of(row: PlanOverlay, plan: dict[str, Any]) -> Target | None:
    if row.kind == OverlayKind.ADD:
        return Target(row.target_code, row.target_drug, row.target_occurrence) if row.target_code else None
    if row.target_code:
        return Target(row.target_code, row.target_drug, row.target_occurrence)
    ids = targets(plan.get("actions", []))  # an older row: it named the line by position
    index = row.action_index
    return ids[index] if index is not None and 0 <= index < len(ids) else Target("?", "", index or 0)


def _overlay(row: PlanOverlay, plan: dict[str, Any]) -> Overlay:
    kind = OverrideKind.REPLACE if row.kind == OverlayKind.CHANGE else str(row.kind)
    texts = dict(row.texts) if row.texts else ({"en": row.text, "es": row.text} if row.text else {})
    return Overlay(kind=kind, target=_target_of(row, plan), texts=texts, due=row.due, reason=row.reason,
                   by=row.by.get_username())


def override_rows(version: PlanVersion) -> list[PlanOverlay]:
    return list(version.overlays.select_related("by", "carried_from__version"))


def overlays(version: PlanVersion) -> list[Overlay]:
    """The overrides that apply to this version, oldest first."""
    return [_overlay(row, version.plan) for row in override_rows(version) if row.applies]


def not_carried(version: PlanVersion) -> list[PlanOverlay]:
    """Overrides from the version before whose line is gone from this one."""
    return [row for row in override_rows(version) if not row.applies]


def lines_for(version: PlanVersion, language: str) -> list[Line]:
    """The lines as the patient reads them: once signed, an approval request reads as the decision."""
    return effective_lines(version.plan, overlays(version), language, decided=version.signed)


def medicines_for(version: PlanVersion, language: str) -> list[MedicineInstruction]:
    applied = overlays(version)
    lines = effective_lines(version.plan, applied, language, decided=version.signed)
    return medicines(version.plan, lines, applied, language)


def _carry(previous: PlanVersion, new: PlanVersion, *, now: datetime) -> tuple[int, int]:
    """Copy the previous version's overrides to the new one: (carried, not carried)."""
    carried = lost = 0
    for row in override_rows(previous):
        original = row.carried_from or row
        target = _target_of(row, previous.plan)
        applies = row.kind == OverlayKind.ADD or (target is not None and has_target(new.plan, target))
        if not row.applies and not applies:
            continue  # listed once, on the version where it stopped applying; back if its line comes back
        PlanOverlay.objects.create(
            version=new, kind=OverlayKind.REPLACE if row.kind == OverlayKind.CHANGE else row.kind,
            target_code=target.code if target else "", target_drug=target.drug if target else "",
            target_occurrence=target.occurrence if target else 0,
            texts=row.texts or ({"en": row.text, "es": row.text} if row.text else {}), due=row.due,
            reason=row.reason, by=row.by, at=now, carried_from=original, applies=applies,
        )
        carried, lost = carried + applies, lost + (not applies)
    return carried, lost


def new_version(
    case: Case, *, actor: Any, reason: Reason, now: datetime, ip: str | None, force: bool = False, note: str = "",
) -> PlanVersion | None:
    """A new version if the facts that matter changed since the latest one (or `force`); else
    None. Every override of the latest version comes along or is listed as not carried.
    Call inside the transaction that changed the facts."""
    facts = facts_for(case, now)
    current = latest(case)
    if not force and current is not None and material(current.facts) == material(facts):
        return None
    try:
        plan = run_engine(facts)
    except FactsError as exc:
        raise PlanNotReady(f"{exc.field}: {exc.message}") from exc
    with transaction.atomic():
        number = (current.number + 1) if current else 1
        version = PlanVersion.objects.create(
            case=case, number=number, created_at=now, created_by=actor if actor else None, reason=reason,
            facts=facts, plan=plan, ruleset_version=plan["ruleset_version"], note=note[:500],
        )
        carried, lost = _carry(current, version, now=now) if current is not None else (0, 0)
        record(actor, Action.CREATE, ip=ip, object_type=OBJECT_TYPE, object_id=version.pk, at=now,
               username="patient" if actor is None else "",
               detail={"case": str(case.pk), "number": number, "reason": reason, "note": note[:200],
                       "overrides_carried": carried, "overrides_not_carried": lost})
    return version


def add_override(
    acting_user: Any, version: PlanVersion, *, kind: OverlayKind, code: str = "", drug: str | None = None,
    occurrence: int | None = None, texts: dict[str, str] | None = None, due: datetime | None = None, reason: str,
    ip: str | None, now: datetime,
) -> PlanOverlay:
    """A clinician's change to an unsigned version: replace or remove the line named by
    (code, drug, occurrence), or add one."""
    roles.require(acting_user, roles.REVIEW_PLANS, ip=ip, what="edit plan")
    texts = {lang: t.strip() for lang, t in (texts or {}).items() if lang in ("en", "es") and t and t.strip()}
    if not reason.strip():
        raise ValueError("a change needs a reason")
    if kind == OverlayKind.CHANGE:
        kind = OverlayKind.REPLACE
    target: Target | None = None
    if kind != OverlayKind.ADD:
        target = find_target(version.plan, code, drug, occurrence)
    if kind in (OverlayKind.ADD, OverlayKind.REPLACE) and not texts:
        raise ValueError("write the instruction")
    with transaction.atomic():
        locked = PlanVersion.objects.select_for_update().get(pk=version.pk)
        if locked.signed:
            raise ImmutableError("a signed plan version cannot be changed: amend it")
        if locked.pk != (latest(locked.case) or locked).pk:
            raise ImmutableError("a newer version exists: change that one")
        overlay = PlanOverlay.objects.create(
            version=locked, kind=kind, target_code=target.code if target else "",
            target_drug=target.drug if target else (drug or ""), target_occurrence=target.occurrence if target else 0,
            texts=texts, due=due, reason=reason.strip()[:500], by=acting_user, at=now)
        # Test the override applies before it is kept.
        effective_lines(locked.plan, overlays(locked), "en")
        record(acting_user, Action.UPDATE, ip=ip, object_type=OBJECT_TYPE, object_id=version.pk, at=now,
               detail={"override": kind, "target": target.label() if target else None})
    return overlay


@dataclass(frozen=True)
class Acknowledgement:
    code: str
    drug: str = ""
    note: str = ""


def open_high_flags(version: PlanVersion) -> list[dict[str, str]]:
    """What the signer must acknowledge: every high flag, and every override that could not
    be carried to this version. Each {"code", "drug", "text"}; clinician text in English,
    the staff's language, whatever the patient's."""
    out = []
    for flag in version.plan.get("flags", []):
        if flag.get("severity") == "high":
            text = (flag.get("texts") or {}).get("en") or flag.get("text", "")
            out.append({"code": flag["code"], "drug": flag.get("drug") or flag.get("input") or "", "text": text})
    for row in not_carried(version):
        target = _target_of(row, version.plan)
        out.append({"code": NOT_CARRIED, "drug": target.label() if target else "",
                    "text": f"{row.get_kind_display()} by {row.by.get_username()} ({row.reason}) no longer "
                            "applies: its line is gone from this version."})
    return out


def check_signer(acting_user: Any, version: PlanVersion, *, ip: str | None, now: datetime) -> None:
    """May this clinician sign this version? Call it before opening the signing transaction, so
    that a refusal's audit row is kept. The engine's output never changes once stored."""
    roles.require(acting_user, roles.REVIEW_PLANS, ip=ip, what="sign plan")
    if (any(a.get("code") in RADIOLOGIST_SIGNS for a in version.plan.get("actions", []))
            and not roles.has_role(acting_user, roles.SIGN_PREMEDICATION)):
        record(acting_user, Action.DENIED, ip=ip, object_type=OBJECT_TYPE, object_id=version.pk, at=now,
               detail={"tried": "sign plan", "needs": "radiologist"})
        raise NeedsRadiologist


def sign_version(
    acting_user: Any, version: PlanVersion, *, acknowledged: list[Acknowledgement], ip: str | None, now: datetime,
) -> None:
    """Sign the latest version, once every open high flag is acknowledged. From here on it
    never changes."""
    check_signer(acting_user, version, ip=ip, now=now)
    with transaction.atomic():
        locked = PlanVersion.objects.select_for_update().get(pk=version.pk)
        if locked.signed:
            raise ImmutableError("this version is already signed")
        newest = latest(locked.case)
        if newest is not None and newest.pk != locked.pk:
            raise ImmutableError("a newer version exists: review and sign that one")
        given = {(a.code, a.drug or ""): a for a in acknowledged}
        needed = open_high_flags(locked)
        left = [f for f in needed if (f["code"], f["drug"]) not in given]
        if left:
            raise FlagsNotAcknowledged(left)
        acks = [{"code": f["code"], "drug": f["drug"], "note": given[(f["code"], f["drug"])].note[:500],
                 "by": acting_user.get_username()} for f in needed]
        # A queryset update: save() would refuse once signed_at is set on the instance.
        PlanVersion.objects.filter(pk=locked.pk, signed_at__isnull=True).update(
            signed_at=now, signed_by=acting_user, acknowledged_flags=acks)
        record(acting_user, Action.UPDATE, ip=ip, object_type=OBJECT_TYPE, object_id=version.pk, at=now,
               detail={"signed": True, "number": locked.number,
                       "acknowledged": [f"{a['code']} {a['drug']}".strip() for a in acks]})
    version.refresh_from_db()


@dataclass(frozen=True)
class CarriedNote:
    label: str
    kind: str
    by: str
    reason: str
    from_version: int | None
    applies: bool


def carried_notes(version: PlanVersion) -> list[CarriedNote]:
    """For the version diff: each override carried here, and each that could not be."""
    out = []
    for row in override_rows(version):
        if row.carried_from is None:
            continue
        target = _target_of(row, version.plan)
        out.append(CarriedNote(label=target.label() if target else "added line", kind=row.get_kind_display(),
                               by=row.by.get_username(), reason=row.reason,
                               from_version=row.carried_from.version.number, applies=row.applies))
    return out


def changes_since_signed(version: PlanVersion) -> list[Change] | None:
    signed = latest_signed(version.case)
    if signed is None or signed.pk == version.pk or signed.number > version.number:
        return None
    return diff_plans(signed.plan, version.plan)
