"""Trial benchmark figures, copied from REFERENCE §13 only (verified-secondary).

EVOLVE (350 treated, ≥ 65 years): NRS 8.7 at baseline, improved by 5.2 / 5.4 / 6.0 / 6.2 /
6.3 at 7 days, 1, 3, 6, 12 months [EVOLVE]. FREE (kyphoplasty vs non-surgical care, 300
patients) reports no NRS figure in REFERENCE: its figures are SF-36 PCS and the difference
in restricted-activity days between the arms (2.9 fewer per 14 days at 1 month, 1.6 at 12
months, not significant) [FREE]. We collect neither SF-36 nor a control arm, so FREE is
drawn as a reference line on the days-in-bed chart only, labelled as a between-arm
difference, never as a target our single-arm change could be compared with directly.
"""

from __future__ import annotations

from kyphoplan.followup.timepoints import TimePoint

EVOLVE_NRS_BASELINE = 8.7
EVOLVE_NRS_IMPROVEMENT = {TimePoint.DAY_7: 5.2, TimePoint.MONTH_1: 5.4, TimePoint.MONTH_3: 6.0,
                          TimePoint.MONTH_6: 6.2, TimePoint.MONTH_12: 6.3}
FREE_RESTRICTED_DAYS_DIFFERENCE = {TimePoint.MONTH_1: 2.9, TimePoint.MONTH_12: 1.6}
FREE_SF36_PCS = "SF-36 PCS +7.2 (26.0 → 33.4) with kyphoplasty vs +2.0 (25.5 → 27.4) without, at 1 month"
MCID_TEXT = "NRS improvement of 2 points or 30% from baseline (Ostelo 2008)"
SOURCES = {"EVOLVE": "Beall DP et al. Neurosurgery 2019", "FREE": "Wardlaw D et al. Lancet 2009;373:1016",
           "OSTELO2008": "Ostelo RW et al. Spine 2008"}
