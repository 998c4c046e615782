"""The practice dashboard: figures from aggregate queries, charts with text, CSV; and the FHIR
routes for follow-up answers."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest

from kyphoplan.followup.answers import answer_checkin
from kyphoplan.followup.models import CheckIn
from kyphoplan.followup.timepoints import TimePoint
from kyphoplan.outcomes.metrics import compute
from kyphoplan.outcomes.stats import mean_ci, t95
from tests.followup.test_checkins import BASELINE, FULL
from tests.pathway.fixtures import START

pytestmark = pytest.mark.django_db


def test_it_computes_a_t_interval_from_sums() -> None:
    values = [5, 3, 6, 4]
    ci = mean_ci(len(values), sum(values), sum(v * v for v in values))
    assert ci.mean == 4.5
    assert ci.low is not None and ci.high is not None
    assert round(ci.high - ci.mean, 3) == round(t95(3) * (1.6667 / 4) ** 0.5, 3)
    assert mean_ci(1, 3, 9).low is None and mean_ci(0, 0, 0).mean is None


def _answer(case: Any) -> None:
    base = CheckIn.objects.get(case=case, timepoint=TimePoint.BASELINE)
    answer_checkin(base, BASELINE, now=base.due_at)
    month = CheckIn.objects.get(case=case, timepoint=TimePoint.MONTH_1)
    answer_checkin(month, FULL, now=month.due_at)


def test_it_shows_the_pain_change_against_evolve_with_numbers_and_csv(
    booked: Any, nora: Any, verified: Any, clock: Any,
) -> None:
    _answer(booked)
    d = compute(START + timedelta(days=40))
    month = next(o for o in d.outcomes if o.point == TimePoint.MONTH_1)
    assert (month.pain.n, month.pain.mean, month.mcid_n) == (1, 5.0, 1)
    assert d.levels == 2
    clock.move_to(START + timedelta(days=40))
    client = verified(nora)
    page = client.get("/staff/outcomes/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<svg' in html and 'role="img"' in html and "<title id=\"pain-chart-t\">" in html
    assert "1 month: 5.0 points (n=1), EVOLVE 5.4" in html  # the chart's text alternative
    assert "<script" not in html
    exported = client.get("/staff/outcomes/outcomes.csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    pain = next(r for r in rows if r["section"] == "pain" and r["time_point"] == "1 month")
    assert (pain["n"], pain["value"], pain["benchmark"]) == ("1", "5.0", "EVOLVE 5.4")


def test_it_serves_follow_up_answers_over_fhir_without_unverified_codes(booked: Any, nora: Any, client: Any) -> None:
    from kyphoplan.api.models import Scope
    from kyphoplan.api.tokens import issue

    _answer(booked)
    _, token = issue(nora, "ehr", [Scope.FHIR_READ], now=START)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    obs = client.get(f"/fhir/Observation?patient={booked.pk}", **auth).json()
    assert obs["total"] >= 3
    pain = [e["resource"] for e in obs["entry"] if e["resource"]["code"]["text"].startswith("Pain now")]
    assert [p["valueInteger"] for p in pain] == [8, 3]
    assert all("coding" not in e["resource"]["code"] for e in obs["entry"])  # no LOINC: none is verified
    one = client.get(f"/fhir/Observation/{pain[1]['id']}", **auth)
    assert one.status_code == 200 and one.json()["valueInteger"] == 3
    qrs = client.get(f"/fhir/QuestionnaireResponse?patient={booked.pk}", **auth).json()
    ids = [e["resource"]["id"] for e in qrs["entry"]]
    assert any(i.startswith("followup-") for i in ids) and qrs["total"] == len(ids)
    assert any(not i.startswith("followup-") for i in ids)  # the intake answers are still there
    q = client.get("/fhir/Questionnaire/kyphoplan-nrs-pain", **auth)
    assert q.status_code == 200 and q.json()["title"] == "Back pain (0 to 10)"
    assert client.get(f"/fhir/Observation?patient={booked.pk}").status_code == 401


def test_it_keeps_the_tallies_equal_to_a_rebuild_from_the_tables(booked: Any, nora: Any, sam: Any, rooms: Any) -> None:
    from kyphoplan.followup.dispatch import dispatch_due_checkins
    from kyphoplan.followup.models import ComplicationKind
    from kyphoplan.followup.services import record_complication
    from kyphoplan.liaison.models import Step, StepState
    from kyphoplan.liaison.services import close_step
    from kyphoplan.outcomes.metrics import rebuild_tallies
    from kyphoplan.pathway.services import book
    from kyphoplan.tallies.counters import read_all
    from tests.pathway.fixtures import NOW

    base = CheckIn.objects.get(case=booked, timepoint=TimePoint.BASELINE)
    dispatch_due_checkins(base.due_at)
    answer_checkin(base, BASELINE, now=base.due_at)
    book(sam, booked, room=rooms["room1"], start=START + timedelta(days=2), ip=None, now=NOW)  # moved
    month = CheckIn.objects.get(case=booked, timepoint=TimePoint.MONTH_1)
    dispatch_due_checkins(month.due_at)
    answer_checkin(month, FULL, now=month.due_at)
    dispatch_due_checkins(START + timedelta(days=200))  # 3 months expired unsent, 6 months sent
    record_complication(nora, booked, kind=ComplicationKind.INFECTION, occurred_on=START.date(), note="",
                        ip=None, now=START + timedelta(days=3))
    close_step(nora, booked.liaison, Step.DXA_REFERRAL, StepState.DONE, ip=None, now=START)
    close_step(nora, booked.liaison, Step.TREATMENT_STARTED, StepState.DECLINED, ip=None, now=START)
    live = {k: (t.n, round(t.total, 6), round(t.squares, 6)) for k, t in read_all().items() if t.n}
    rebuild_tallies()
    rebuilt = {k: (t.n, round(t.total, 6), round(t.squares, 6)) for k, t in read_all().items() if t.n}
    assert live == rebuilt
    assert "fu:asked:m3" not in live  # expired unsent: not counted as asked
    assert live["fu:asked:m6"][0] == 1 and live["fu:answered:m1"][0] == 1 and live["fu:levels"][1] == 2.0
