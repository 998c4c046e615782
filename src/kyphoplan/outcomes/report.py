"""The dashboard as rows (the page's tables and the CSV share them) and as charts."""

from __future__ import annotations

from dataclasses import dataclass

from kyphoplan.followup.timepoints import AFTER
from kyphoplan.outcomes import benchmarks as bm
from kyphoplan.outcomes.charts import BENCH, Series, bar_chart, line_chart
from kyphoplan.outcomes.metrics import Dashboard


@dataclass(frozen=True)
class Row:
    section: str
    point: str
    measure: str
    n: int | None
    value: float | None
    low: float | None = None
    high: float | None = None
    benchmark: str = ""


def _r(v: float | None, digits: int = 1) -> float | None:
    return None if v is None else round(v, digits)


def rows(d: Dashboard) -> list[Row]:
    out = [Row("pain", "Before the procedure", "Mean pain now, NRS 0-10", d.baseline_pain.n, _r(d.baseline_pain.mean),
               _r(d.baseline_pain.low), _r(d.baseline_pain.high), f"EVOLVE baseline {bm.EVOLVE_NRS_BASELINE}")]
    for o in d.outcomes:
        evolve = bm.EVOLVE_NRS_IMPROVEMENT.get(o.point)
        out.append(Row("pain", o.point.label, "Mean pain improvement from baseline, NRS points (95% CI)", o.pain.n,
                       _r(o.pain.mean), _r(o.pain.low), _r(o.pain.high), f"EVOLVE {evolve}" if evolve else ""))
        out.append(Row("mcid", o.point.label, "Share reaching the MCID (" + bm.MCID_TEXT + ")", o.pain.n,
                       _r(o.mcid_n / o.pain.n, 3) if o.pain.n else None))
        free = bm.FREE_RESTRICTED_DAYS_DIFFERENCE.get(o.point)
        out.append(Row("bed_days", o.point.label, "Mean fewer days in bed per 14 days than at baseline (95% CI)",
                       o.bed.n, _r(o.bed.mean), _r(o.bed.low), _r(o.bed.high),
                       f"FREE between-arm difference in restricted-activity days {free}" if free else ""))
    for r in d.responses:
        out.append(Row("response", r.point.label, "Check-ins answered / sent", r.asked, _r(r.rate, 3)))
    for kind, count in d.complications:
        out.append(Row("complications", "", f"{kind.label} per 100 treated levels ({count} of {d.levels} levels)",
                       count, _r(d.per_100_levels(count), 2)))
    out.append(Row("access", "", "Mean days from call-back request to procedure", d.callback_cases,
                   _r(d.callback_to_procedure_days)))
    out.append(Row("access", "", "Call-back requests called within the service level", d.sla_due, _r(d.sla_rate, 3)))
    for step, done, declined, total in d.bone_health:
        out.append(Row("bone_health", "", f"{step.label}: done (declined: {declined})", total,
                       _r(done / total, 3) if total else None))
    return out


def pain_chart(d: Dashboard) -> str:
    labels = [p.label for p in AFTER]
    ours = Series("This practice (mean, 95% CI)", [o.pain.mean for o in d.outcomes], [o.pain.low for o in d.outcomes],
                  [o.pain.high for o in d.outcomes])
    evolve = Series("EVOLVE", [bm.EVOLVE_NRS_IMPROVEMENT[p] for p in AFTER], dashed=True, colour=BENCH)
    said = "; ".join(f"{o.point.label}: " + (f"{o.pain.mean:.1f} points (n={o.pain.n})" if o.pain.mean is not None
                                             else "no answers yet") + f", EVOLVE {bm.EVOLVE_NRS_IMPROVEMENT[o.point]}"
                     for o in d.outcomes)
    return line_chart("pain-chart", "Pain improvement from baseline (NRS points) against EVOLVE",
                      "Mean improvement with 95% confidence interval. " + said, labels, [ours, evolve],
                      y_min=-2, y_max=10, y_label="Points better than baseline")


def bed_chart(d: Dashboard) -> str:
    labels = [p.label for p in AFTER]
    ours = Series("This practice: fewer days in bed (mean, 95% CI)", [o.bed.mean for o in d.outcomes],
                  [o.bed.low for o in d.outcomes], [o.bed.high for o in d.outcomes])
    free = Series("FREE between-arm difference", [bm.FREE_RESTRICTED_DAYS_DIFFERENCE.get(p) for p in AFTER],
                  dashed=True, colour=BENCH)
    said = "; ".join(f"{o.point.label}: " + (f"{o.bed.mean:.1f} days (n={o.bed.n})" if o.bed.mean is not None
                                             else "no answers yet") for o in d.outcomes)
    return line_chart("bed-chart", "Fewer days in bed per 14 days than at baseline, with the FREE figures",
                      f"{said}. FREE: 2.9 fewer restricted-activity days than non-surgical care at 1 month, 1.6 at "
                      "12 months (not significant); a difference between arms, not the same measure.",
                      labels, [ours, free], y_min=-2, y_max=14, y_label="Days")


def mcid_chart(d: Dashboard) -> str:
    # Rounded as the table rounds them, so the chart's words and the table never differ by a point.
    shares = [_r(o.mcid_n / o.pain.n, 3) if o.pain.n else None for o in d.outcomes]
    said = "; ".join(f"{o.point.label}: " + (f"{s * 100:.0f}%" if s is not None else "no data")
                     for o, s in zip(d.outcomes, shares, strict=True))
    return bar_chart("mcid-chart", "Share of patients reaching the MCID", said, [p.label for p in AFTER], shares)


def response_chart(d: Dashboard) -> str:
    rates = [_r(r.rate, 3) for r in d.responses]
    said = "; ".join(f"{r.point.label}: " + (f"{rate * 100:.0f}% of {r.asked}" if rate is not None else "none sent")
                     for r, rate in zip(d.responses, rates, strict=True))
    return bar_chart("response-chart", "Check-in response rate", said, [r.point.label for r in d.responses], rates)
