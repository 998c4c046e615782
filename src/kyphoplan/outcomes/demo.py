"""Follow-up demo data: treated patients over the last fourteen months with check-ins,
complications, bone-health steps and the call-backs they came from, so the dashboard and
the worklist show real charts. Used by `kyphoplan serve` (one call) and by
bench/bench_dashboard.py (at 10k and 100k cases). Deterministic (seeded), bulk-inserted.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction

from kyphoplan.callbacks.models import CallAttempt, CallbackRequest, Outcome, Status
from kyphoplan.cases.models import Case
from kyphoplan.cases.workflow import CaseStatus
from kyphoplan.followup.answers import mcid
from kyphoplan.followup.models import (
    CheckIn,
    CheckInStatus,
    Complication,
    ComplicationKind,
    FollowUp,
    StaffAlert,
)
from kyphoplan.followup.timepoints import TimePoint, closes_at, due_dates
from kyphoplan.liaison.models import LiaisonStep, LiaisonTrack, Step, StepState
from kyphoplan.outcomes.benchmarks import EVOLVE_NRS_IMPROVEMENT
from kyphoplan.outcomes.metrics import rebuild_tallies
from kyphoplan.web.practice import get_practice

DEMO_CASES = 120
BATCH = 5000
FIRST = ["Rosa", "Carmen", "Dorothy", "Ana", "Helen", "Maria", "Joan", "Luz", "Betty", "Elena"]
LAST = ["Garcia", "Smith", "Lopez", "Nguyen", "Brown", "Martinez", "Jones", "Perez", "Wilson", "Diaz"]


def _answers(rng: random.Random, baseline: int, point: TimePoint) -> tuple[int, int]:
    gain = EVOLVE_NRS_IMPROVEMENT.get(point, 0.0) * rng.uniform(0.45, 1.15)
    pain = max(0, min(10, round(baseline - gain + rng.gauss(0, 1.2))))
    bed = max(0, min(14, round(rng.uniform(0, 4) if point != TimePoint.BASELINE else rng.uniform(4, 12))))
    return pain, bed


def seed_outcomes(now: datetime, *, cases: int = DEMO_CASES, seed: int = 13, staff: Any = None,
                  prefix: str = "KD", rebuild: bool = True) -> int:
    """Add `cases` treated demo patients. Returns how many were added. `rebuild=False` leaves
    the tallies stale (for a caller that loads in chunks and rebuilds once)."""
    rng = random.Random(seed)
    zone: ZoneInfo = get_practice().hours.zone
    sla = timedelta(hours=get_practice().callback_sla_hours)
    case_rows, callbacks, attempts, followups, checkins, tracks, steps, complications, alerts = ([] for _ in range(9))
    for i in range(cases):
        procedure = (now - timedelta(days=rng.randint(-20, 560))).replace(minute=0, second=0, microsecond=0)
        asked = procedure - timedelta(days=rng.randint(12, 40))
        cb = CallbackRequest(reference=f"{prefix}{i:08d}"[:12], form_token=f"{prefix}-demo-{seed}-{i}",
                             created_at=asked, due_by=asked + sla, updated_at=asked,
                             name=f"{rng.choice(FIRST)} {rng.choice(LAST)}", phone_e164=f"+1415555{i % 10000:04d}",
                             language=rng.choice(["en", "es"]), reason="new_referral", consent_call=True,
                             status=Status.SCHEDULED)
        callbacks.append(cb)
        if staff is not None:
            late = rng.random() < 0.15
            attempts.append(CallAttempt(request=cb, at=asked + (sla * 2 if late else sla / 3), by=staff,
                                        outcome=Outcome.REACHED))
        case = Case(reference=f"{prefix}-{i:08d}", created_at=asked, updated_at=now, callback=cb,
                    patient_name=cb.name, phone_e164=cb.phone_e164, language=cb.language,
                    levels_to_treat=["L1"] if rng.random() < 0.7 else ["T12", "L1"],
                    status=CaseStatus.FOLLOW_UP if procedure < now else CaseStatus.SCHEDULED, sms_reminders=True)
        case_rows.append(case)
        fu = FollowUp(case=case, procedure_at=procedure, levels=len(case.levels_to_treat), zone=zone.key,
                      started_at=asked, updated_at=asked, callback_wait_days=(procedure - asked).total_seconds() / 86400)
        followups.append(fu)
        baseline = rng.randint(6, 10)
        base_bed = 0
        for point, due in due_dates(procedure, zone, now=asked).items():
            row = CheckIn(followup=fu, case=case, timepoint=point, due_at=due, closes_at=closes_at(point, due, procedure))
            if due > now:
                checkins.append(row)
                continue
            if point != TimePoint.BASELINE and rng.random() < 0.18:
                row.status, row.channel, row.sent_at = CheckInStatus.MISSED, "sms", due
                checkins.append(row)
                continue
            pain, bed = _answers(rng, baseline, point)
            if point == TimePoint.BASELINE:
                pain, base_bed = baseline, bed
            row.status, row.channel, row.sent_at, row.answered_at = CheckInStatus.ANSWERED, "sms", due, due + timedelta(hours=3)
            row.pain_now, row.language = pain, case.language
            row.answers = {"pain_now": pain, "pain_worst": min(10, pain + 2), "bed_days": bed}
            row.scores = {"kyphoplan-nrs-pain/pain_now": float(pain)}
            if point != TimePoint.BASELINE:
                row.pain_change, row.reached_mcid, row.bed_days_change = baseline - pain, mcid(baseline, pain), base_bed - bed
                if rng.random() < 0.03:
                    row.red_flags = [rng.choice(["Fall", "New severe pain", "Fever or chills"])]
                    if now - due < timedelta(days=10):
                        alerts.append(StaffAlert(case=case, checkin=row, reasons=row.red_flags, raised_at=row.answered_at))
            checkins.append(row)
        if procedure < now:
            track = LiaisonTrack(case=case, opened_at=asked, procedure_at=procedure,
                                 next_reminder_at=procedure + timedelta(days=7))
            tracks.append(track)
            for k, step in enumerate(Step):
                done = rng.random() < 0.85 - 0.1 * k
                state = StepState.DONE if done else StepState.OPEN
                if step == Step.TREATMENT_STARTED and not done and rng.random() < 0.4:
                    state = StepState.DECLINED
                steps.append(LiaisonStep(track=track, step=step, state=state,
                                         closed_at=min(procedure + timedelta(days=14), now) if state != StepState.OPEN else None))
            if rng.random() < 0.06 and staff is not None:
                complications.append(Complication(case=case, kind=rng.choice(list(ComplicationKind)),
                                                  occurred_on=min(procedure + timedelta(days=rng.randint(0, 90)), now).date(),  # never ahead
                                                  note="demo", recorded_at=now, recorded_by=staff))
    with transaction.atomic():
        for model, rows in ((CallbackRequest, callbacks), (Case, case_rows), (CallAttempt, attempts),
                            (FollowUp, followups), (CheckIn, checkins), (LiaisonTrack, tracks),
                            (LiaisonStep, steps), (Complication, complications), (StaffAlert, alerts)):
            _bulk(model, rows)
        if rebuild:
            rebuild_tallies()
    return cases


def _bulk(model: Any, rows: list[Any]) -> None:
    # bulk_create fills in each foreign key from its (by now saved) related object.
    for start in range(0, len(rows), BATCH):
        model.objects.bulk_create(rows[start:start + BATCH])


def seed_followup_demo(now: datetime) -> int:
    """For `kyphoplan serve`: once, into a database that has no follow-up yet."""
    if FollowUp.objects.exists():
        return 0
    staff = get_user_model().objects.filter(username="nora").first()
    return seed_outcomes(now, staff=staff)
