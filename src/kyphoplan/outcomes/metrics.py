"""The practice dashboard's figures. Each is one aggregate query over an indexed table
(see the indexes on followup.CheckIn): nothing loads rows into Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, Sum

from kyphoplan.callbacks.models import CallAttempt, CallbackRequest
from kyphoplan.followup.models import CheckIn, CheckInStatus, Complication, ComplicationKind, FollowUp
from kyphoplan.followup.timepoints import AFTER, TimePoint
from kyphoplan.liaison.models import LiaisonStep, Step, StepState
from kyphoplan.outcomes.stats import MeanCI, mean_ci

ASKED = [CheckInStatus.SENT, CheckInStatus.ANSWERED, CheckInStatus.MISSED, CheckInStatus.NO_CHANNEL]


@dataclass(frozen=True)
class PointOutcome:
    point: TimePoint
    pain: MeanCI
    mcid_n: int
    bed: MeanCI


@dataclass(frozen=True)
class Response:
    point: TimePoint
    asked: int
    answered: int

    @property
    def rate(self) -> float | None:
        return self.answered / self.asked if self.asked else None


@dataclass(frozen=True)
class Dashboard:
    baseline_pain: MeanCI
    outcomes: list[PointOutcome]
    responses: list[Response]
    levels: int
    complications: list[tuple[ComplicationKind, int]]
    callback_to_procedure_days: float | None
    callback_cases: int
    sla_due: int
    sla_met: int
    bone_health: list[tuple[Step, int, int, int]]  # step, done, declined, tracks

    def per_100_levels(self, count: int) -> float | None:
        return count * 100 / self.levels if self.levels else None

    @property
    def sla_rate(self) -> float | None:
        return self.sla_met / self.sla_due if self.sla_due else None


def _outcomes() -> list[PointOutcome]:
    rows = {r["timepoint"]: r for r in CheckIn.objects.filter(status=CheckInStatus.ANSWERED).values("timepoint").annotate(
        n=Count("pain_change"), s=Sum("pain_change"), ss=Sum(F("pain_change") * F("pain_change")),
        m=Count("id", filter=Q(reached_mcid=True)), bn=Count("bed_days_change"), bs=Sum("bed_days_change"),
        bss=Sum(F("bed_days_change") * F("bed_days_change")))}
    out = []
    for point in AFTER:
        r = rows.get(point.value, {})
        out.append(PointOutcome(point, mean_ci(r.get("n", 0), float(r.get("s") or 0), float(r.get("ss") or 0)),
                                r.get("m", 0),
                                mean_ci(r.get("bn", 0), float(r.get("bs") or 0), float(r.get("bss") or 0))))
    return out


def _baseline() -> MeanCI:
    r = CheckIn.objects.filter(status=CheckInStatus.ANSWERED, timepoint=TimePoint.BASELINE).aggregate(
        n=Count("pain_now"), s=Sum("pain_now"), ss=Sum(F("pain_now") * F("pain_now")))
    return mean_ci(r["n"], float(r["s"] or 0), float(r["ss"] or 0))


def _responses() -> list[Response]:
    rows = {r["timepoint"]: r for r in CheckIn.objects.filter(status__in=ASKED).values("timepoint").annotate(
        asked=Count("id"), answered=Count("id", filter=Q(status=CheckInStatus.ANSWERED)))}
    return [Response(p, rows.get(p.value, {}).get("asked", 0), rows.get(p.value, {}).get("answered", 0))
            for p in TimePoint]


def compute(now: datetime) -> Dashboard:
    treated = FollowUp.objects.filter(procedure_at__lte=now)
    levels = treated.aggregate(v=Sum("levels"))["v"] or 0
    by_kind = {r["kind"]: r["n"] for r in Complication.objects.values("kind").annotate(n=Count("id"))}
    waits = treated.filter(case__callback__isnull=False).aggregate(
        n=Count("id"), total=Sum(ExpressionWrapper(F("procedure_at") - F("case__callback__created_at"),
                                                   output_field=DurationField())))
    days = waits["total"].total_seconds() / 86400 / waits["n"] if waits["n"] and waits["total"] else None
    due = CallbackRequest.objects.filter(due_by__lte=now)
    met = due.filter(Exists(CallAttempt.objects.filter(request=OuterRef("pk"), at__lte=OuterRef("due_by"))))
    steps = {r["step"]: r for r in LiaisonStep.objects.filter(track__procedure_at__lte=now).values("step").annotate(
        done=Count("id", filter=Q(state=StepState.DONE)), declined=Count("id", filter=Q(state=StepState.DECLINED)),
        total=Count("id"))}
    return Dashboard(
        baseline_pain=_baseline(), outcomes=_outcomes(), responses=_responses(), levels=levels,
        complications=[(k, by_kind.get(k.value, 0)) for k in ComplicationKind],
        callback_to_procedure_days=days, callback_cases=waits["n"], sla_due=due.count(), sla_met=met.count(),
        bone_health=[(s, steps.get(s.value, {}).get("done", 0), steps.get(s.value, {}).get("declined", 0),
                      steps.get(s.value, {}).get("total", 0)) for s in Step],
    )
