"""A plan made too late for a hold: the patient is never told to take a "last dose" on a day
already gone. An outside tester saw "Take your last dose of apixaban on Monday 23 November" in
a plan made on Wednesday 25 November; the clinician's flag (insufficient-lead-time) was right,
the patient's sentence was not."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from kyphoplan.clinical.contract import plan_to_dict
from kyphoplan.clinical.facts import parse_facts
from kyphoplan.clinical.model import Language
from kyphoplan.clinical.plan import build_plan
from kyphoplan.clinical.wording import format_date

AS_OF = "2026-11-25T10:54:00-08:00"  # a Wednesday; the procedure is on the Friday


def _plan(medications: list[str]) -> dict[str, Any]:
    facts = {"as_of": AS_OF, "procedure": {"start": "2026-11-27T08:00:00-08:00",
                                           "timezone": "America/Los_Angeles", "levels": ["L1"]},
             "patient": {"age": 78, "weight_kg": 60}, "medications": medications,
             "labs": {"creatinine_clearance": 65, "egfr": 70}}
    return plan_to_dict(build_plan(parse_facts(facts)))


def _days_gone(language: str) -> list[str]:
    today = date(2026, 11, 25)
    return [format_date(today - timedelta(days=n), Language(language)) for n in range(1, 15)]


@pytest.mark.parametrize("line", ["Eliquis 5 mg twice a day", "Coumadin 5 mg daily", "Effient 10 mg daily",
                                  "Plavix 75 mg daily", "Jardiance 25 mg daily", "Pradaxa 150 mg bid"])
def test_it_never_names_a_day_already_gone_to_the_patient(line: str) -> None:
    plan = _plan([line])
    late = [a for a in plan["actions"] if a["code"] == "stop-medication" and a["due"] < AS_OF]
    assert late, "the case is meant to be too late for the hold"
    assert any(f["code"] == "insufficient-lead-time" for f in plan["flags"])
    for action in plan["actions"]:
        if action["audience"] != "patient":
            continue
        for language in ("en", "es"):
            text = action["texts"][language]
            assert not any(day in text for day in _days_gone(language)), (language, text)


def test_it_asks_the_patient_to_call_today_before_the_next_dose() -> None:
    stop = next(a for a in _plan(["Eliquis 5 mg twice a day"])["actions"] if a["code"] == "stop-medication")
    assert stop["due"] == "2026-11-25T08:00:00-08:00"  # the contract's due is still the hold's start
    assert stop["texts"]["en"].startswith("Call us today, before your next dose of apixaban (Eliquis).")
    assert stop["texts"]["es"].startswith("Llámenos hoy, antes de su próxima dosis de apixabán (Eliquis).")
    assert "Friday 27 November" in stop["texts"]["en"] and "viernes 27 de noviembre" in stop["texts"]["es"]
