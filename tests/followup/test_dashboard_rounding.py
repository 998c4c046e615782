"""The dashboard's charts and tables show the same percentage: an outside tester saw 97% in
the MCID chart and 96% in the table beside it (the table rounded twice)."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template

from kyphoplan.followup.timepoints import AFTER, TimePoint
from kyphoplan.outcomes import report
from kyphoplan.outcomes.metrics import Dashboard, PointOutcome, Response
from kyphoplan.outcomes.stats import MeanCI

# Pairs (reached, answered) where rounding once and rounding twice disagree.
SHARES = [(5, 11), (2, 19), (17, 19), (1, 22), (10, 22), (28, 29), (55, 57)]


def _dashboard(k: int, n: int) -> Dashboard:
    pain = MeanCI(n, 3.0, 2.0, 4.0)
    return Dashboard(
        baseline_pain=pain, outcomes=[PointOutcome(p, pain, k, pain) for p in AFTER],
        responses=[Response(p, n, k) for p in TimePoint], levels=n, complications=[],
        callback_to_procedure_days=None, callback_cases=0, sla_due=0, sla_met=0, bone_health=[])


@pytest.mark.parametrize(("k", "n"), SHARES)
def test_it_shows_the_same_percentage_in_the_chart_and_the_table(k: int, n: int) -> None:
    d = _dashboard(k, n)
    table = Template("{% widthratio v 1 100 %}")
    shown = {section: table.render(Context({"v": r.value})) for r in report.rows(d)
             for section in (r.section,) if section in ("mcid", "response")}
    assert set(re.findall(r"(\d+)%", report.mcid_chart(d))) == {shown["mcid"]}
    assert set(re.findall(r"(\d+)% of", report.response_chart(d))) == {shown["response"]}
