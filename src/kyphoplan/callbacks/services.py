"""Every change to a call-back request goes through a verb here.

Each verb takes the acting user (None for the public form), changes the row and
writes an audit row in the same transaction.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import translation

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.callbacks import confirmations, sla
from kyphoplan.callbacks.hours import Practice, expected_call_by
from kyphoplan.callbacks.models import OBJECT_TYPE, CallAttempt, CallbackRequest, Outcome, Status
from kyphoplan.callbacks.workflow import check_transition, status_after_attempt
from kyphoplan.outbox.delivery import enqueue

_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L: read aloud on the phone


def new_reference() -> str:
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"KP-{chars[:4]}-{chars[4:]}"


@dataclass(frozen=True)
class NewRequest:
    name: str
    phone_e164: str
    email: str
    language: str
    reason: str
    best_days: list[str]
    best_times: list[str]
    consent_call: bool
    consent_text: bool


def find_by_token(form_token: str) -> CallbackRequest | None:
    return CallbackRequest.objects.filter(form_token=form_token).first()


def submit_request(
    data: NewRequest, *, form_token: str, ip: str | None, now: datetime, practice: Practice
) -> tuple[CallbackRequest, bool]:
    """Store a request from the public form. Returns (request, created).

    The same form token twice gives back the first request: a double click or a
    retried POST never makes a second call-back.
    """
    for _attempt in range(3):  # a new reference on the (very rare) clash with an existing one
        existing = find_by_token(form_token)
        if existing is not None:
            return existing, False
        try:
            return _create(data, form_token, ip, now, practice), True
        except IntegrityError:
            continue
    raise RuntimeError("could not store the request")


def _create(
    data: NewRequest, form_token: str, ip: str | None, now: datetime, practice: Practice
) -> CallbackRequest:
    with transaction.atomic():
        req = CallbackRequest.objects.create(
            reference=new_reference(),
            form_token=form_token,
            created_at=now,
            updated_at=now,
            due_by=expected_call_by(now, practice),
            name=data.name,
            phone_e164=data.phone_e164,
            email=data.email,
            language=data.language,
            reason=data.reason,
            best_days=data.best_days,
            best_times=data.best_times,
            consent_call=data.consent_call,
            consent_text=data.consent_text,
        )
        sla.count_new(req)
        record(
            None,
            Action.CREATE,
            ip=ip,
            object_type=OBJECT_TYPE,
            object_id=req.pk,
            detail={"via": "public form"},
            at=now,
            username="public",
        )
        _notify_schedulers(req, practice, now)
        confirmations.confirm(req, practice, now)
    return req


def _notify_schedulers(req: CallbackRequest, practice: Practice, now: datetime) -> None:
    # Email is not a safe place for patient details: send the reference and a link only.
    base = settings.BASE_URL
    local_due = req.due_by.astimezone(practice.hours.zone)
    with translation.override(settings.LANGUAGE_CODE):  # staff read the staff language, not the patient's
        reason = str(req.get_reason_display())
    enqueue(
        kind="callback.new",
        to=practice.scheduling_inbox,
        subject=f"New call-back request {req.reference}",
        body=(
            f"A new call-back request is waiting.\n\n"
            f"Reference: {req.reference}\n"
            f"Reason: {reason}\n"
            f"Call by: {local_due:%a %d %b %Y %H:%M} ({practice.hours.zone.key})\n\n"
            f"Open it (sign-in needed): {base}/staff/requests/{req.pk}/\n"
        ),
        now=now,
        about=(OBJECT_TYPE, req.pk),
    )


def _require(user: User, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied


def record_attempt(
    acting_user: User,
    req: CallbackRequest,
    *,
    outcome: Outcome,
    note: str,
    ip: str | None,
    now: datetime,
) -> CallAttempt:
    _require(acting_user, "callbacks.change_callbackrequest")
    with transaction.atomic():
        locked = CallbackRequest.objects.select_for_update().get(pk=req.pk)
        before = Status(locked.status)
        after = status_after_attempt(before, outcome)
        attempt = CallAttempt.objects.create(
            request=locked, at=now, by=acting_user, outcome=outcome, note=note
        )
        sla.count_attempt(attempt, locked)
        locked.status = after
        locked.updated_at = now
        locked.save(update_fields=["status", "updated_at"])
        record(
            acting_user,
            Action.UPDATE,
            ip=ip,
            object_type=OBJECT_TYPE,
            object_id=req.pk,
            detail={"attempt": str(outcome), "status": [before, after], "note": bool(note)},
            at=now,
        )
    req.refresh_from_db()
    return attempt


def change_status(
    acting_user: User,
    req: CallbackRequest,
    *,
    new_status: Status,
    close_reason: str = "",
    ip: str | None,
    now: datetime,
) -> None:
    _require(acting_user, "callbacks.change_callbackrequest")
    with transaction.atomic():
        locked = CallbackRequest.objects.select_for_update().get(pk=req.pk)
        before = Status(locked.status)
        check_transition(before, new_status, close_reason)
        locked.status = new_status
        locked.close_reason = close_reason
        locked.updated_at = now
        locked.save(update_fields=["status", "close_reason", "updated_at"])
        record(
            acting_user,
            Action.UPDATE,
            ip=ip,
            object_type=OBJECT_TYPE,
            object_id=req.pk,
            detail={"status": [before, new_status], "close_reason": close_reason},
            at=now,
        )
    req.refresh_from_db()


def follow_case_booked(
    callback_id: UUID, *, actor: User | None, ip: str | None, now: datetime, why: str
) -> None:
    """The request's case is booked: a reached (or still open) request becomes scheduled, so the
    queue stops showing a booked patient as waiting. Called inside the case's transaction; a
    closed request stays closed. A consequence of the case's verb: the case checked permission."""
    locked = CallbackRequest.objects.select_for_update().filter(pk=callback_id).first()
    if locked is None or locked.status in (Status.SCHEDULED, Status.CLOSED):
        return
    before = Status(locked.status)
    locked.status, locked.updated_at = Status.SCHEDULED, now
    locked.save(update_fields=["status", "updated_at"])
    record(
        actor,
        Action.UPDATE,
        ip=ip,
        object_type=OBJECT_TYPE,
        object_id=locked.pk,
        detail={"status": [before, Status.SCHEDULED], "why": why},
        at=now,
        username="" if actor is not None else "system",
    )


def assign(
    acting_user: User,
    req: CallbackRequest,
    *,
    assignee: User | None,
    ip: str | None,
    now: datetime,
) -> None:
    _require(acting_user, "callbacks.change_callbackrequest")
    with transaction.atomic():
        locked = CallbackRequest.objects.select_for_update().get(pk=req.pk)
        locked.assigned_to = assignee
        locked.updated_at = now
        locked.save(update_fields=["assigned_to", "updated_at"])
        record(
            acting_user,
            Action.UPDATE,
            ip=ip,
            object_type=OBJECT_TYPE,
            object_id=req.pk,
            detail={"assigned_to": assignee.get_username() if assignee else None},
            at=now,
        )
    req.refresh_from_db()


__all__ = ["OBJECT_TYPE", "NewRequest", "Status", "assign", "change_status", "record_attempt", "submit_request"]
