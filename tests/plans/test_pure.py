from datetime import datetime
from zoneinfo import ZoneInfo

from kyphoplan.plans.diff import diff_plans
from kyphoplan.plans.effective import Overlay, effective_lines, patient_lines
from kyphoplan.plans.facts_builder import (
    INSULIN_LINE,
    UNSURE_SUFFIX,
    AllergyLine,
    Answers,
    CaseInputs,
    MedicineLine,
    build_facts,
    material,
)

LA = ZoneInfo("America/Los_Angeles")
START = datetime(2026, 12, 14, 8, 0, tzinfo=LA)
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=LA)

MARIA = Answers(
    medicines=(MedicineLine("Plavix 75 mg once daily"), MedicineLine("small white pill", unsure=True)),
    allergies=(AllergyLine("iodinated contrast", "hives"), AllergyLine("shellfish")),
    diabetes="type2", insulin=True, kidney="dialysis", smoker=True, has_escort=True, weight_kg=52,
)


def test_it_builds_the_contract_facts_from_case_intake_and_booking():
    facts = build_facts(CaseInputs(levels=("T12", "L1"), age=78, sex="female", language="es",
                                   labs={"inr": 1.0}),
                        MARIA, start=START, timezone="America/Los_Angeles", as_of=NOW)
    assert facts["procedure"] == {"start": "2026-12-14T08:00:00-08:00", "timezone": "America/Los_Angeles",
                                  "sedation": "moderate", "levels": ["T12", "L1"]}
    assert facts["medications"] == ["Plavix 75 mg once daily", "small white pill" + UNSURE_SUFFIX["es"],
                                    INSULIN_LINE["es"]]
    assert facts["allergies"] == ["iodinated contrast - hives", "shellfish"]
    assert facts["labs"] == {"inr": 1.0, "on_dialysis": True}
    assert facts["patient"]["smoker"] is True and facts["patient"]["age"] == 78
    assert facts["language"] == "es"


def test_it_does_not_add_an_insulin_line_when_one_is_listed():
    facts = build_facts(CaseInputs(), MARIA, start=START, timezone="America/Los_Angeles", as_of=NOW,
                        insulin_listed=True)
    assert not {*INSULIN_LINE.values()} & set(facts["medications"])


def test_it_ignores_the_moment_of_calculation_when_comparing_versions():
    a = build_facts(CaseInputs(), MARIA, start=START, timezone="America/Los_Angeles", as_of=NOW)
    b = build_facts(CaseInputs(), MARIA, start=START, timezone="America/Los_Angeles",
                    as_of=NOW.replace(hour=11))
    assert a != b and material(a) == material(b)


def _plan(start, last):
    return {
        "procedure": {"start": start}, "medications": [{"input": "Plavix 75 mg"}],
        "actions": [
            {"code": "stop-medication", "drug": "clopidogrel", "due": f"{last}T22:00:00-08:00",
             "last_dose_date": last, "text": "Last dose", "texts": {"en": "Last dose", "es": "Última dosis"},
             "audience": "patient", "requires_review": True, "source": "SIR2019", "rule": "r1"},
            {"code": "bring-medication-list", "due": start, "text": "Bring", "texts": {"en": "Bring", "es": "Traiga"},
             "audience": "patient", "source": "doc", "rule": "r2"},
            {"code": "platelet-check", "due": None, "text": "labs", "audience": "clinician"},
        ],
        "flags": [{"code": "prescriber-consult", "drug": "clopidogrel", "text": "ask"}],
    }


def test_it_shows_what_changed_when_the_date_moves():
    old = _plan("2026-12-14T08:00:00-08:00", "2026-12-08")
    new = _plan("2026-12-16T08:00:00-08:00", "2026-12-10")
    new["medications"].append({"input": "aspirin 81"})
    changes = {(c.kind, c.what, c.key) for c in diff_plans(old, new)}
    assert ("changed", "procedure", "start") in changes
    assert ("changed", "action", "stop-medication:clopidogrel") in changes
    assert ("added", "medication", "aspirin 81") in changes
    assert diff_plans(old, old) == []


def test_it_applies_clinician_overlays_without_touching_the_engine_output():
    plan = _plan("2026-12-14T08:00:00-08:00", "2026-12-08")
    overlays = [
        Overlay("change", 0, "Take your last Plavix on Monday night.", None, "patient takes it at night", "nora"),
        Overlay("add", None, "Bring your glasses.", None, "poor vision", "nora"),
        Overlay("remove", 1, "", None, "already has list", "rita"),
    ]
    lines = effective_lines(plan, overlays, "es")
    assert [ln.text for ln in lines] == ["Take your last Plavix on Monday night.", "labs", "Bring your glasses."]
    assert lines[0].edited and lines[0].reason == "patient takes it at night"
    assert [ln.code for ln in patient_lines(lines)] == ["stop-medication", "clinician-instruction"]
    assert plan["actions"][0]["text"] == "Last dose"
    assert effective_lines(plan, [], "es")[0].text == "Última dosis"
