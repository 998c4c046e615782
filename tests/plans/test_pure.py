from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from kyphoplan.plans.diff import diff_plans
from kyphoplan.plans.effective import (
    MedicineInstruction,
    Overlay,
    Target,
    effective_lines,
    find_target,
    has_target,
    medicines,
    patient_lines,
)
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
        Overlay("replace", Target("stop-medication", "clopidogrel"), {"es": "Tome su último Plavix el lunes."},
                None, "patient takes it at night", "nora"),
        Overlay("add", None, {"es": "Traiga sus lentes."}, None, "poor vision", "nora"),
        Overlay("remove", Target("bring-medication-list"), {}, None, "already has list", "rita"),
    ]
    lines = effective_lines(plan, overlays, "es")
    assert [ln.text for ln in lines] == ["Tome su último Plavix el lunes.", "labs", "Traiga sus lentes."]
    assert lines[0].edited and lines[0].reason == "patient takes it at night"
    # A replaced line is the clinician's now: no channel reads it as the engine's "stop".
    assert lines[0].code == "clinician-instruction" and lines[0].replaces == "stop-medication"
    assert lines[0].last_dose_date == date(2026, 12, 8) and lines[0].drug == "clopidogrel"
    assert [ln.code for ln in patient_lines(lines)] == ["clinician-instruction", "clinician-instruction"]
    assert plan["actions"][0]["text"] == "Last dose"
    assert effective_lines(plan, [], "es")[0].text == "Última dosis"


def test_it_names_a_line_by_code_drug_and_occurrence_so_it_survives_a_replan():
    old = _plan("2026-12-14T08:00:00-08:00", "2026-12-08")
    new = _plan("2026-12-16T08:00:00-08:00", "2026-12-10")
    target = find_target(old, "stop-medication", "clopidogrel", None)
    assert target == Target("stop-medication", "clopidogrel", 0) and has_target(new, target)
    twice = {**old, "actions": [*old["actions"], {**old["actions"][0], "due": "2026-12-09T22:00:00-08:00"}]}
    with pytest.raises(ValueError, match="occurrence"):
        find_target(twice, "stop-medication", "clopidogrel", None)
    assert find_target(twice, "stop-medication", "clopidogrel", 1).occurrence == 1
    with pytest.raises(ValueError, match="no line"):
        find_target(old, "stop-medication", "apixaban", None)
    with pytest.raises(ValueError, match="no line"):
        effective_lines(old, [Overlay("remove", Target("stop-medication", "apixaban"))], "en")


def test_it_reads_an_approval_request_as_the_decision_once_signed():
    plan = _plan("2026-12-14T08:00:00-08:00", "2026-12-08")
    plan["actions"][0]["decided_texts"] = {"en": "Your doctor approved: last dose", "es": "Aprobado: última dosis"}
    draft, signed = effective_lines(plan, [], "en")[0], effective_lines(plan, [], "en", decided=True)[0]
    assert draft.text == "Last dose" and draft.requires_review
    assert signed.text == "Your doctor approved: last dose" and not signed.requires_review


def test_it_gives_the_medicine_list_the_clinicians_words():
    plan = _plan("2026-12-14T08:00:00-08:00", "2026-12-08")
    plan["medications"] = [{"input": "Plavix 75 mg", "ingredients": ["clopidogrel"], "disposition": "stop"},
                           {"input": "Tylenol", "ingredients": ["acetaminophen"], "disposition": "continue"}]
    keep = [Overlay("replace", Target("stop-medication", "clopidogrel"), {"en": "Keep taking your Plavix."})]
    meds = medicines(plan, effective_lines(plan, keep, "en"), keep, "en")
    assert meds[0] == MedicineInstruction("Plavix 75 mg", "clopidogrel", "stop", "Keep taking your Plavix.")
    assert meds[1] == MedicineInstruction("Tylenol", "acetaminophen", "continue", "")
    gone = [Overlay("remove", Target("stop-medication", "clopidogrel"))]
    assert medicines(plan, effective_lines(plan, gone, "en"), gone, "en")[0].disposition == "review"
