"""Properties every plan has, whatever the patient: checked on generated patients."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kyphoplan.clinical.contract import plan_to_dict
from kyphoplan.clinical.facts import parse_facts
from kyphoplan.clinical.plan import build_plan

# Runs the engine hundreds of times (or in subprocesses): the slow tier.
pytestmark = pytest.mark.slow

KNOWN_LINES = [
    "Plavix 75 mg once daily", "Eliquis 5mg twice a day", "baby aspirin 81", "Coumadin 5 mg daily",
    "Xarelto 20 mg with supper", "Pradaxa 150 mg bid", "Lovenox 40 mg daily", "Lovenox 80 mg q12h",
    "heparin 5000 units sc tid", "Brilinta 90 mg twice daily", "Effient 10 mg", "Aggrenox bid",
    "metformin 1000 mg BID", "Lantus 30 units at bedtime", "NPH 20 units every morning",
    "Humalog 70/30 15 units before breakfast", "Ozempic 1 mg weekly", "Jardiance 25 mg",
    "glipizide 5mg qam", "Janumet 50/1000 twice daily", "prednisone 10 mg daily", "ibuprofen 400 prn",
    "atorvastatin 20 mg", "levothyroxine 50 mcg", "lisinopril 10 mg", "I am not sure what this is",
    "blue pill for my heart", "Farxiga 10 mg", "Trulicity 1.5 mg weekly", "naproxen 220 mg",
]  # fmt: skip
ALLERGY_LINES = [
    "iodinated contrast - hives", "shellfish", "iodine", "penicillin - rash", "bone cement",
    "CT dye - anaphylaxis", "NKDA", "something I ate once",
]  # fmt: skip
ZONES = ["America/Los_Angeles", "America/New_York", "America/Chicago", "America/Phoenix", "Europe/Madrid"]
# Days around the 2027 daylight-saving changes (US: 14 Mar, 7 Nov; EU: 28 Mar, 31 Oct).
DST_DAYS = [date(2027, 3, 14), date(2027, 3, 28), date(2027, 10, 31), date(2027, 11, 7)]


@st.composite
def patients(draw: st.DrawFn) -> dict[str, Any]:
    zone_name = draw(st.sampled_from(ZONES))
    zone = ZoneInfo(zone_name)
    if draw(st.booleans()):
        day = draw(st.sampled_from(DST_DAYS)) + timedelta(days=draw(st.integers(-2, 9)))
    else:
        day = date(2026, 12, 1) + timedelta(days=draw(st.integers(0, 500)))
    start = datetime.combine(day, time(draw(st.integers(6, 16)), draw(st.sampled_from([0, 30]))), zone)
    lead = timedelta(hours=draw(st.integers(2, 24 * 21)))
    as_of = (start.astimezone(UTC) - lead).astimezone(zone)
    meds = draw(
        st.lists(
            st.sampled_from(KNOWN_LINES)
            | st.text(st.characters(blacklist_characters="{}"), min_size=1, max_size=40),
            max_size=15,
        )
    )
    meds = [line for line in meds if line.strip()]
    facts: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "procedure": {"start": start.isoformat(), "timezone": zone_name,
                      "levels": draw(st.lists(st.sampled_from(["T11", "T12", "L1", "L2"]), max_size=3))},
        "patient": {"age": draw(st.integers(40, 100)), "sex": draw(st.sampled_from(["female", "male"])),
                    "weight_kg": draw(st.integers(35, 140)), "smoker": draw(st.booleans()),
                    "diabetes": draw(st.sampled_from(["none", "type1", "type2"]))},
        "medications": meds,
        "allergies": draw(st.lists(st.sampled_from(ALLERGY_LINES), max_size=3)),
        "protocol": draw(st.sampled_from(["sir-2019", "asra-2018", "strictest"])),
        "language": draw(st.sampled_from(["en", "es"])),
    }  # fmt: skip
    labs: dict[str, Any] = {}
    if draw(st.booleans()):
        labs["creatinine_clearance"] = draw(st.integers(5, 140))
    if draw(st.booleans()):
        labs["egfr"] = draw(st.integers(5, 120))
    if labs:
        facts["labs"] = labs
    return facts


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patients())
def test_it_keeps_every_hold_before_and_every_restart_after_the_procedure(facts: dict[str, Any]) -> None:
    plan = plan_to_dict(build_plan(parse_facts(facts)))
    start = _at(facts["procedure"]["start"])
    for action in plan["actions"]:
        if action["code"] in ("stop-medication", "take-premedication", "fasting-start", "no-smoking-start"):
            assert _at(action["due"]) <= start, action
        if action["code"] == "stop-medication":
            assert date.fromisoformat(action["last_dose_date"]) <= _at(action["due"]).date() + timedelta(
                days=1
            )
            assert action["requires_review"] is True
        if action["code"] in ("resume-medication", "hold-after-procedure") and action["due"]:
            assert _at(action["due"]) > start, action


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patients())
def test_it_never_loses_an_input_line(facts: dict[str, Any]) -> None:
    plan = plan_to_dict(build_plan(parse_facts(facts)))
    assert [m["input"] for m in plan["medications"]] == facts["medications"]
    assert [a["input"] for a in plan["allergies"]] == facts["allergies"]
    flagged = {f.get("input") for f in plan["flags"]}
    for med in plan["medications"]:
        if not med["recognized"]:
            assert med["input"] in flagged, f"unrecognised line not flagged: {med['input']!r}"
            assert med["disposition"] == "review"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patients())
def test_it_gives_the_same_plan_for_the_same_input(facts: dict[str, Any]) -> None:
    first = plan_to_dict(build_plan(parse_facts(facts)))
    second = plan_to_dict(build_plan(parse_facts(facts)))
    assert first == second


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patients())
def test_it_gives_every_line_a_rule_a_source_and_both_languages(facts: dict[str, Any]) -> None:
    plan = plan_to_dict(build_plan(parse_facts(facts)))
    for item in plan["actions"] + plan["flags"]:
        assert item["rule"] and item["source"], item
        assert item["texts"]["en"] and item["texts"]["es"], item
        assert "{" not in item["texts"]["en"] + item["texts"]["es"], item
