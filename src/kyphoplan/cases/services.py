"""Every change to a case goes through a verb here: acting user in, audit row out,
both in one transaction."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.callbacks.models import CallbackRequest
from kyphoplan.callbacks.models import Status as CallbackStatus
from kyphoplan.callbacks.services import follow_case_booked
from kyphoplan.cases import roles
from kyphoplan.cases.config import get_config
from kyphoplan.cases.models import Case, Channel, LinkPurpose, PatientLink
from kyphoplan.cases.tokens import new_token, token_hash
from kyphoplan.cases.workflow import PIPELINE, CaseStatus, advance_to, check_transition

OBJECT_TYPE = "case"
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference() -> str:
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"KC-{chars[:4]}-{chars[4:]}"


@dataclass(frozen=True)
class CaseDetails:
    """What staff edit on a case. Levels are upper-case vertebra names."""

    patient_name: str
    phone_e164: str = ""
    email: str = ""
    language: str = "en"
    birth_date: date | None = None
    sex: str = "unknown"
    referring_clinician: str = ""
    referral_reason: str = ""
    imaging_levels: tuple[str, ...] = ()
    mri_edema: bool | None = None
    imaging_date: date | None = None
    levels_to_treat: tuple[str, ...] = ()
    sedation: str = "moderate"
    target_start: datetime | None = None
    notes: str = ""
    email_reminders: bool = True
    sms_reminders: bool = False
    reminders_opt_out: bool = False


_FIELDS = [f for f in CaseDetails.__dataclass_fields__]


def _apply(case: Case, details: CaseDetails) -> list[str]:
    changed = []
    for name in _FIELDS:
        value = getattr(details, name)
        if isinstance(value, tuple):
            value = list(value)
        if getattr(case, name) != value:
            setattr(case, name, value)
            changed.append(name)
    return changed


def _create(details: CaseDetails, *, callback: CallbackRequest | None, owner: Any, now: datetime) -> Case:
    for _ in range(5):
        case = Case(reference=new_reference(), created_at=now, updated_at=now, callback=callback, owner=owner)
        _apply(case, details)
        if callback is not None and callback.status in (CallbackStatus.REACHED, CallbackStatus.SCHEDULED):
            case.status = CaseStatus.CONTACTED
        try:
            with transaction.atomic():
                case.save(force_insert=True)
                if callback is not None:
                    CallbackRequest.objects.filter(pk=callback.pk).update(has_case=True)
            return case
        except IntegrityError:
            if callback is not None and Case.objects.filter(callback=callback).exists():
                raise
    raise RuntimeError("could not find a free case reference")


def open_case(acting_user: Any, details: CaseDetails, *, ip: str | None, now: datetime) -> Case:
    roles.require(acting_user, roles.WORK_CASES, ip=ip, what="open case")
    with transaction.atomic():
        case = _create(details, callback=None, owner=acting_user, now=now)
        record(acting_user, Action.CREATE, ip=ip, object_type=OBJECT_TYPE, object_id=case.pk, at=now)
    return case


def case_from_callback(acting_user: Any, callback: CallbackRequest, *, ip: str | None, now: datetime) -> Case:
    """One step from a call-back request to a case. A second click returns the same case."""
    roles.require(acting_user, roles.WORK_CASES, ip=ip, what="case from call-back")
    existing = Case.objects.filter(callback=callback).first()
    if existing is not None:
        return existing
    details = CaseDetails(
        patient_name=callback.name, phone_e164=callback.phone_e164, email=callback.email,
        language=callback.language if callback.language in ("en", "es") else "en",
        referral_reason=callback.get_reason_display(), sms_reminders=callback.consent_text,
        email_reminders=bool(callback.email),
    )
    try:
        with transaction.atomic():
            case = _create(details, callback=callback, owner=acting_user, now=now)
            record(acting_user, Action.CREATE, ip=ip, object_type=OBJECT_TYPE, object_id=case.pk, at=now,
                   detail={"from_callback": str(callback.pk)})
    except IntegrityError:
        return Case.objects.get(callback=callback)
    return case


def update_case(acting_user: Any, case: Case, details: CaseDetails, *, ip: str | None, now: datetime) -> list[str]:
    roles.require(acting_user, roles.WORK_CASES, ip=ip, what="edit case")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        changed = _apply(locked, details)
        if changed:
            locked.updated_at = now
            locked.save()
            # Field names only: never the values (they are patient data).
            record(acting_user, Action.UPDATE, ip=ip, object_type=OBJECT_TYPE, object_id=case.pk, at=now,
                   detail={"fields": changed})
    case.refresh_from_db()
    return changed


def set_labs(acting_user: Any, case: Case, labs: dict[str, float | str], *, ip: str | None, now: datetime) -> None:
    roles.require(acting_user, roles.REVIEW_PLANS | roles.WORK_CASES, ip=ip, what="labs")
    with transaction.atomic():
        Case.objects.filter(pk=case.pk).update(labs=labs, updated_at=now)
        record(acting_user, Action.UPDATE, ip=ip, object_type=OBJECT_TYPE, object_id=case.pk, at=now,
               detail={"fields": ["labs"], "labs": sorted(labs)})
    case.refresh_from_db()


def change_status(
    acting_user: Any, case: Case, *, new_status: CaseStatus, cancel_reason: str = "", ip: str | None,
    now: datetime,
) -> None:
    roles.require(acting_user, roles.WORK_CASES, ip=ip, what="case status")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        before = CaseStatus(locked.status)
        check_transition(before, new_status, cancel_reason)
        locked.status, locked.cancel_reason, locked.updated_at = new_status, cancel_reason, now
        locked.save(update_fields=["status", "cancel_reason", "updated_at"])
        record(acting_user, Action.UPDATE, ip=ip, object_type=OBJECT_TYPE, object_id=case.pk, at=now,
               detail={"status": [before, new_status], "cancel_reason": cancel_reason})
        _callback_follows(locked, actor=acting_user, ip=ip, now=now, why=f"case {new_status}")
    case.refresh_from_db()


def advance(case: Case, target: CaseStatus, *, actor: Any, ip: str | None, now: datetime, why: str) -> None:
    """Move forward automatically (intake submitted, booked...). Call inside a transaction."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    before = CaseStatus(locked.status)
    after = advance_to(before, target)
    if after != before:
        locked.status, locked.updated_at = after, now
        locked.save(update_fields=["status", "updated_at"])
        record(actor, Action.UPDATE, ip=ip, object_type=OBJECT_TYPE, object_id=case.pk, at=now,
               detail={"status": [before, after], "why": why}, username="patient" if actor is None else "")
        _callback_follows(locked, actor=actor, ip=ip, now=now, why=why)
    case.status = after


def _callback_follows(case: Case, *, actor: Any, ip: str | None, now: datetime, why: str) -> None:
    """A case at scheduled or later moves its call-back request to scheduled (not left "reached")."""
    status = CaseStatus(case.status)
    if case.callback_id is None or status not in PIPELINE:
        return
    if PIPELINE.index(status) >= PIPELINE.index(CaseStatus.SCHEDULED):
        follow_case_booked(case.callback_id, actor=actor, ip=ip, now=now, why=why)


def issue_link(
    acting_user: Any, case: Case, *, purpose: LinkPurpose, channel: Channel, ip: str | None, now: datetime,
    expires_at: datetime | None = None,
) -> tuple[PatientLink, str]:
    """A new link for the patient. Earlier links for the same purpose keep working (a patient
    may tap the text after the email); staff revoke one on purpose, and the console shows each
    link's state. Returns the link and the token, which exists only in memory and in the message
    (sending it is the pathway's: kyphoplan.pathway.send_link)."""
    roles.require(acting_user, roles.WORK_CASES | roles.REVIEW_PLANS, ip=ip, what="patient link")
    token = new_token()
    expires = expires_at or now + get_config().intake_link_lifetime
    with transaction.atomic():
        link = PatientLink.objects.create(case=case, purpose=purpose, token_hash=token_hash(token),
                                          channel=channel, created_at=now, created_by=acting_user,
                                          expires_at=expires)
        record(acting_user, Action.CREATE, ip=ip, object_type="patientlink", object_id=link.pk, at=now,
               detail={"case": str(case.pk), "purpose": purpose, "channel": channel})
        if purpose == LinkPurpose.INTAKE:
            advance(case, CaseStatus.INTAKE, actor=acting_user, ip=ip, now=now, why="intake link sent")
    return link, token


def revoke_link(acting_user: Any, link: PatientLink, *, ip: str | None, now: datetime) -> None:
    roles.require(acting_user, roles.WORK_CASES | roles.REVIEW_PLANS, ip=ip, what="revoke link")
    with transaction.atomic():
        PatientLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=now)
        record(acting_user, Action.UPDATE, ip=ip, object_type="patientlink", object_id=link.pk, at=now,
               detail={"revoked": True})
    link.refresh_from_db()


def open_link(token: str, purpose: LinkPurpose, *, ip: str | None, now: datetime) -> PatientLink | None:
    """The patient opens a link. Every open, good or bad, is audited; a bad one says nothing."""
    link = PatientLink.objects.select_related("case").filter(token_hash=token_hash(token), purpose=purpose).first()
    if link is None or not link.usable(now):
        record(None, Action.DENIED, ip=ip, object_type="patientlink", object_id=link.pk if link else "",
               at=now, username="patient", detail={"purpose": purpose, "known": link is not None})
        return None
    with transaction.atomic():
        PatientLink.objects.filter(pk=link.pk).update(last_opened_at=now, opens=link.opens + 1)
        record(None, Action.VIEW, ip=ip, object_type="patientlink", object_id=link.pk, at=now,
               username="patient", detail={"case": str(link.case_id), "purpose": purpose})
    return link


def link_still_usable(link_id: int, now: datetime) -> PatientLink | None:
    link = PatientLink.objects.select_related("case").filter(pk=link_id).first()
    return link if link is not None and link.usable(now) else None


def plan_link_expiry(procedure_start: datetime) -> datetime:
    return procedure_start + timedelta(days=get_config().plan_link_days_after)


def assign_owner(acting_user: Any, case: Case, *, owner: Any, ip: str | None, now: datetime) -> None:
    roles.require(acting_user, roles.WORK_CASES, ip=ip, what="case owner")
    if owner is not None and not roles.has_role(owner, roles.WORK_CASES | roles.REVIEW_PLANS):
        raise ValueError("that person does not work cases")
    with transaction.atomic():
        Case.objects.filter(pk=case.pk).update(owner=owner, updated_at=now)
        record(acting_user, Action.UPDATE, ip=ip, object_type=OBJECT_TYPE, object_id=case.pk, at=now,
               detail={"owner": owner.get_username() if owner else None})
    case.refresh_from_db()
