"""The follow-up tallies behind the dashboard (kyphoplan.tallies), kept in step with every
write, and rebuilt from the tables after bulk loads. Keys:

    fu:baseline              baseline pain now (value)
    fu:pain:<point>          pain change from baseline (value; positive is better)
    fu:mcid:<point>          answers that reached the MCID (count)
    fu:bed:<point>           fewer days in bed than at baseline (value)
    fu:asked:<point>         check-ins sent, unsendable or expired unsent (count)
    fu:answered:<point>      check-ins answered (count)
    fu:levels                levels booked (value; n = patients)
    fu:wait                  days from the call-back request to the procedure (value)
    fu:complication:<kind>   complications recorded (count)
"""

from __future__ import annotations

from django.db.models import Count, F, Q, Sum

from kyphoplan.followup.models import CheckIn, CheckInStatus, Complication, ComplicationKind, FollowUp
from kyphoplan.followup.timepoints import TimePoint
from kyphoplan.tallies.counters import add, replace

PREFIX = "fu:"
# Asked: handed to the outbox, or found to have no channel. Not: expired without being sent.
ASKED = (Q(status__in=[CheckInStatus.SENT, CheckInStatus.ANSWERED, CheckInStatus.NO_CHANNEL])
         | Q(status=CheckInStatus.MISSED, sent_at__isnull=False))


def booked(followup: FollowUp, *, count: int) -> None:
    add(f"{PREFIX}levels", float(followup.levels), count=count)
    if followup.callback_wait_days is not None:
        add(f"{PREFIX}wait", followup.callback_wait_days, count=count)


def asked(point: TimePoint, *, count: int = 1) -> None:
    add(f"{PREFIX}asked:{point.value}", count=count)


def answered(point: TimePoint, *, pain_now: int | None, change: int | None, reached: bool | None,
             bed_change: int | None) -> None:
    add(f"{PREFIX}answered:{point.value}")
    if point == TimePoint.BASELINE and pain_now is not None:
        add(f"{PREFIX}baseline", float(pain_now))
    if change is not None:
        add(f"{PREFIX}pain:{point.value}", float(change))
    if reached:
        add(f"{PREFIX}mcid:{point.value}")
    if bed_change is not None:
        add(f"{PREFIX}bed:{point.value}", float(bed_change))


def complication(kind: ComplicationKind) -> None:
    add(f"{PREFIX}complication:{kind.value}")


def _stats(qs: object, field: str) -> tuple[int, float, float]:
    r = qs.aggregate(n=Count(field), s=Sum(field), ss=Sum(F(field) * F(field)))  # type: ignore[attr-defined]
    return r["n"], float(r["s"] or 0), float(r["ss"] or 0)


def rebuild() -> None:
    """Recompute every follow-up tally from the tables (O(n): for loads and checks, not requests)."""
    rows: dict[str, tuple[int, float, float]] = {}
    answered_rows = CheckIn.objects.filter(status=CheckInStatus.ANSWERED)
    rows[f"{PREFIX}baseline"] = _stats(answered_rows.filter(timepoint=TimePoint.BASELINE), "pain_now")
    for point in TimePoint:
        at = answered_rows.filter(timepoint=point)
        rows[f"{PREFIX}pain:{point.value}"] = _stats(at, "pain_change")
        rows[f"{PREFIX}bed:{point.value}"] = _stats(at, "bed_days_change")
        rows[f"{PREFIX}mcid:{point.value}"] = (at.filter(reached_mcid=True).count(), 0.0, 0.0)
        rows[f"{PREFIX}answered:{point.value}"] = (at.count(), 0.0, 0.0)
    counts = CheckIn.objects.values("timepoint").annotate(n=Count("id", filter=ASKED))
    for r in counts:
        rows[f"{PREFIX}asked:{r['timepoint']}"] = (r["n"], 0.0, 0.0)
    rows[f"{PREFIX}levels"] = _stats(FollowUp.objects.all(), "levels")
    rows[f"{PREFIX}wait"] = _stats(FollowUp.objects.all(), "callback_wait_days")
    for kind in ComplicationKind:
        rows[f"{PREFIX}complication:{kind.value}"] = (Complication.objects.filter(kind=kind).count(), 0.0, 0.0)
    replace(PREFIX, {k: v for k, v in rows.items() if v[0]})
