"""Codes before text: a verified RxNorm ingredient code identifies a medicine line the text
does not name; code and text are both recorded; disagreement goes to a clinician."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kyphoplan.clinical.facts import FactsError, parse_facts
from kyphoplan.clinical.model import Coding
from kyphoplan.clinical.plan import build_plan
from kyphoplan.clinical.recognition_codes import RXNORM, recognize_coded

ZONE = ZoneInfo("America/Los_Angeles")


def _facts(medications: list[object]) -> dict[str, object]:
    return {"as_of": datetime(2026, 11, 20, 9, tzinfo=ZONE).isoformat(),
            "procedure": {"start": datetime(2026, 12, 14, 8, tzinfo=ZONE).isoformat(),
                          "timezone": "America/Los_Angeles"},
            "medications": medications}


def test_it_identifies_a_line_by_its_verified_rxnorm_code_when_the_text_names_nothing() -> None:
    med = recognize_coded("the heart pill from Dr Lee", [Coding(RXNORM, "32968", "clopidogrel")])
    assert med.recognized and med.ingredients == ("clopidogrel",) and med.classes == ("p2y12-inhibitor",)
    assert med.patient_unsure  # only the code speaks: a clinician confirms
    assert "identified by code: RxNorm 32968 is clopidogrel; the text was not recognised" in med.notes
    assert med.input == "the heart pill from Dr Lee"


def test_it_keeps_the_texts_reading_when_code_and_text_agree() -> None:
    med = recognize_coded("Coumadin 5 mg daily", [Coding(RXNORM, "11289")])
    assert med.ingredients == ("warfarin",) and med.dose is not None and not med.patient_unsure
    assert med.notes[-1] == "identified by code: RxNorm 11289 is warfarin; the text agrees"


def test_it_keeps_both_readings_when_code_and_text_disagree() -> None:
    med = recognize_coded("aspirin 81 mg daily", [Coding(RXNORM, "32968")])
    assert med.ingredients == ("aspirin", "clopidogrel") and med.patient_unsure
    assert any("the text reads as aspirin: check the line" in n for n in med.notes)


@pytest.mark.parametrize("coding", [Coding(RXNORM, "1364430"),  # apixaban: UNVERIFIED in REFERENCE §14
                                    Coding("http://snomed.info/sct", "386952008")])
def test_it_reads_the_text_for_codes_it_does_not_hold_as_verified(coding: Coding) -> None:
    assert recognize_coded("my pill", [coding]).recognized is False


def test_facts_accept_coded_lines_next_to_plain_text_and_the_plan_holds_the_coded_drug() -> None:
    coded = {"text": "blood pill", "codes": [{"system": RXNORM, "code": "11289", "display": "warfarin"}]}
    facts = parse_facts(_facts(["metformin 500 mg twice daily", coded]))
    assert facts.medications == ("metformin 500 mg twice daily", "blood pill")
    assert facts.medication_codes == ((), (Coding(RXNORM, "11289", "warfarin"),))
    plan = build_plan(facts)
    assert plan.medications[1].ingredients == ("warfarin",)
    assert parse_facts(_facts(["metformin"])).medication_codes == ()  # text only, as before


def test_facts_refuse_a_malformed_coding_by_name() -> None:
    with pytest.raises(FactsError) as error:
        parse_facts(_facts([{"text": "x", "codes": [{"code": "1"}]}]))
    assert error.value.field == "medications[0].codes[0].system"


def test_a_code_names_the_blood_thinner_a_line_only_calls_a_blood_thinner() -> None:
    med = recognize_coded("antiplatelet (per cardiology) 75 mg once daily", [Coding(RXNORM, "32968")])
    assert med.ingredients == ("clopidogrel",) and med.classes == ("p2y12-inhibitor",)
    assert med.dose is not None and med.dose.amount == 75 and med.frequency is not None
    assert not med.patient_unsure
    assert med.notes[-1] == "identified by code: RxNorm 32968 is clopidogrel; the text says only that it is a blood thinner"
