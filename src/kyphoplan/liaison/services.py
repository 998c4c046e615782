"""Service verbs of the bone-health track: open it, close steps, write the letter, remind staff."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.cases import roles
from kyphoplan.cases.models import Case
from kyphoplan.liaison.letter import letter_pdf
from kyphoplan.liaison.models import (
    FractureGrade,
    Letter,
    LetterKind,
    LiaisonStep,
    LiaisonTrack,
    Step,
    StepState,
)
from kyphoplan.outbox.delivery import enqueue
from kyphoplan.tallies.counters import add, replace
from kyphoplan.web.env import env_str
from kyphoplan.web.practice import get_practice

OBJECT_TYPE = "liaison"
TALLY = "bone:"  # bone:<step>:total and bone:<step>:<state>, for the dashboard
FIRST_REMINDER = timedelta(days=7)  # after the procedure
REMIND_EVERY = timedelta(days=14)


def liaison_inbox() -> str:
    return env_str("KYPHOPLAN_LIAISON_INBOX", get_practice().scheduling_inbox)


def ensure_track(case: Case, *, procedure_at: datetime, now: datetime) -> LiaisonTrack:
    """Every treated patient gets a track; a moved procedure moves the first reminder."""
    track, created = LiaisonTrack.objects.get_or_create(
        case=case, defaults={"opened_at": now, "procedure_at": procedure_at, "pcp_name": case.referring_clinician,
                             "next_reminder_at": procedure_at + FIRST_REMINDER})
    if created:
        LiaisonStep.objects.bulk_create([LiaisonStep(track=track, step=s) for s in Step])
        for s in Step:
            add(f"{TALLY}{s.value}:total")
            add(f"{TALLY}{s.value}:{StepState.OPEN.value}")
    elif track.procedure_at != procedure_at:
        track.procedure_at = procedure_at
        if track.steps.filter(state=StepState.OPEN).exists():
            track.next_reminder_at = max(now, procedure_at + FIRST_REMINDER)
        track.save(update_fields=["procedure_at", "next_reminder_at"])
    return track


def _refresh_reminder(track: LiaisonTrack, now: datetime) -> None:
    still_open = track.steps.filter(state=StepState.OPEN).exists()
    track.next_reminder_at = (track.next_reminder_at or now + REMIND_EVERY) if still_open else None
    track.save(update_fields=["next_reminder_at"])


def close_step(acting_user: Any, track: LiaisonTrack, step: Step, state: StepState, *, note: str = "",
               ip: str | None, now: datetime) -> LiaisonStep:
    roles.require(acting_user, roles.WORK_CASES | roles.REVIEW_PLANS, ip=ip, what="bone-health step")
    with transaction.atomic():
        row = LiaisonStep.objects.select_for_update().get(track=track, step=step)
        add(f"{TALLY}{step.value}:{row.state}", count=-1)
        add(f"{TALLY}{step.value}:{state.value}")
        row.state, row.note = state, note[:500]
        row.closed_at, row.closed_by = (None, None) if state == StepState.OPEN else (now, acting_user)
        row.save(update_fields=["state", "note", "closed_at", "closed_by"])
        _refresh_reminder(track, now)
        record(acting_user, Action.UPDATE, ip=ip, object_type=OBJECT_TYPE, object_id=track.pk, at=now,
               detail={"step": step.value, "state": state.value})
    return row


def set_details(acting_user: Any, track: LiaisonTrack, *, grade: FractureGrade, pcp_name: str, ip: str | None,
                now: datetime) -> None:
    roles.require(acting_user, roles.WORK_CASES | roles.REVIEW_PLANS, ip=ip, what="bone-health details")
    with transaction.atomic():
        LiaisonTrack.objects.filter(pk=track.pk).update(grade=grade, pcp_name=pcp_name.strip()[:200])
        record(acting_user, Action.UPDATE, ip=ip, object_type=OBJECT_TYPE, object_id=track.pk, at=now,
               detail={"fields": ["grade", "pcp_name"]})
    track.refresh_from_db()


def write_letter(acting_user: Any, track: LiaisonTrack, *, ip: str | None, now: datetime) -> Letter:
    """The letter to the primary-care physician: the request letter, or, when the patient
    declined drug treatment, the letter that says so (REFERENCE §13a)."""
    roles.require(acting_user, roles.WORK_CASES | roles.REVIEW_PLANS, ip=ip, what="bone-health letter")
    declined = track.steps.filter(step=Step.TREATMENT_STARTED, state=StepState.DECLINED).exists()
    kind = LetterKind.DECLINED if declined else LetterKind.REQUEST
    pdf = letter_pdf(track, kind, author=acting_user, now=now)
    with transaction.atomic():
        letter = Letter.objects.create(track=track, kind=kind, created_at=now, created_by=acting_user, pdf=pdf,
                                       sha256=hashlib.sha256(pdf).hexdigest())
        record(acting_user, Action.CREATE, ip=ip, object_type="liaison_letter", object_id=letter.pk, at=now,
               detail={"kind": kind.value})
    close_step(acting_user, track, Step.PCP_LETTER, StepState.DONE, note=f"letter {letter.pk}", ip=ip, now=now)
    return letter


def rebuild_tally() -> None:
    """Recompute the bone-health tallies from the steps (after bulk loads, or to check)."""
    rows: dict[str, tuple[int, float, float]] = {}
    for r in LiaisonStep.objects.values("step", "state").annotate(n=Count("id")):
        total = rows.get(f"{TALLY}{r['step']}:total", (0, 0.0, 0.0))[0]
        rows[f"{TALLY}{r['step']}:total"] = (total + r["n"], 0.0, 0.0)
        rows[f"{TALLY}{r['step']}:{r['state']}"] = (r["n"], 0.0, 0.0)
    replace(TALLY, rows)


def remind_open_steps(now: datetime) -> int:
    """Email the liaison inbox about each track with open steps whose reminder is due, then
    push its next reminder on: reminders go on until every step is closed."""
    sent = 0
    for track in LiaisonTrack.objects.filter(next_reminder_at__lte=now).select_related("case"):
        with transaction.atomic():
            locked = LiaisonTrack.objects.select_for_update().get(pk=track.pk)
            if locked.next_reminder_at is None or locked.next_reminder_at > now:
                continue
            still_open = [Step(s).label for s in locked.steps.filter(state=StepState.OPEN).values_list("step", flat=True)]
            if not still_open:
                locked.next_reminder_at = None
            else:
                enqueue(kind="liaison-reminder", to=liaison_inbox(), now=now,
                        subject=f"Bone-health steps open for case {track.case.reference}",
                        body="Still open:\n" + "\n".join(f"- {s}" for s in still_open)
                             + f"\n\nOpen the case's bone-health page for {track.case.reference} in the staff console.")
                locked.next_reminder_at = now + REMIND_EVERY
                sent += 1
            locked.save(update_fields=["next_reminder_at"])
    return sent
