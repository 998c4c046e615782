"""Every resource we emit is valid R4 and round-trips: parse → serialise gives the same JSON."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from kyphoplan.fhir.careplan import careplan
from kyphoplan.fhir.questionnaire import (
    ResponseError,
    answers_from_response,
    questionnaire,
    questionnaire_response,
)
from kyphoplan.fhir.resources import allergy_intolerance, appointment, medication_statement, patient
from kyphoplan.fhir.validate import emit

CASE = "7d4f2c1e-0000-4000-8000-000000000001"
PLAN = {
    "procedure": {"start": "2026-12-14T08:00:00-08:00", "timezone": "America/Los_Angeles"},
    "decision_support": "Decision support for clinicians.",
    "actions": [
        {"code": "stop-medication", "drug": "apixaban", "due": "2026-12-11T20:00:00-08:00",
         "text": "Stop apixaban.", "rule": "sir-apixaban", "source": "SIR2019"},
        {"code": "fasting-start", "due": "2026-12-14T00:00:00-08:00", "text": "Nothing to eat.",
         "rule": "fasting", "source": "PRACTICE"},
        {"code": "resume-medication", "drug": "apixaban", "due": "2026-12-15T08:00:00-08:00",
         "text": "Restart apixaban.", "rule": "sir-apixaban", "source": "SIR2019"},
        {"code": "resume-medication", "drug": "metformin", "due": None, "text": "Ask when to restart.",
         "rule": "m", "source": "ACR"},
    ],
    "flags": [{"code": "prescriber-consult", "drug": "apixaban", "severity": "high", "text": "Ask the prescriber.",
               "source": "SIR2019"}],
}
INTAKE_DATA = {"medicines": [{"text": "Eliquis 5mg twice a day", "unsure": False},
                             {"text": "a white pill", "unsure": True}],
               "allergies": [{"substance": "iodine contrast", "reaction": "hives"}, {"substance": "latex", "reaction": ""}],
               "diabetes": "type2", "insulin": False, "kidney": "no", "smoker": True, "has_escort": True,
               "weight_kg": 52.5}


def _round_trips(resource: dict[str, Any]) -> dict[str, Any]:
    sent = emit(resource)
    text = json.dumps(sent)
    parsed = get_fhir_model_class(sent["resourceType"]).model_validate_json(text)
    assert parsed.model_dump(mode="json") == sent
    return sent


def _careplan(signed: bool) -> dict[str, Any]:
    return careplan({"id": 12, "case_id": CASE, "number": 3, "created_at": "2026-12-01T10:00:00-08:00",
                     "signed_at": "2026-12-01T11:00:00-08:00" if signed else None, "plan": PLAN})


def test_it_maps_a_plan_version_to_a_careplan_with_holds_as_do_not_perform() -> None:
    sent = _round_trips(_careplan(signed=True))
    assert (sent["status"], sent["intent"]) == ("active", "plan")
    stop, fasting, resume, _ = (a["detail"] for a in sent["activity"])
    assert stop["doNotPerform"] is True
    assert stop["productCodeableConcept"]["text"] == "apixaban"
    assert stop["scheduledPeriod"] == {"start": "2026-12-11T20:00:00-08:00", "end": "2026-12-15T08:00:00-08:00"}
    assert fasting["doNotPerform"] is False and fasting["scheduledPeriod"] == {"start": "2026-12-14T00:00:00-08:00"}
    assert resume["code"]["coding"][0]["code"] == "resume-medication"
    assert sent["note"][0]["text"].startswith("[high] prescriber-consult")
    assert _careplan(signed=False)["status"] == "draft"


@pytest.mark.parametrize("resource", [
    patient({"id": CASE, "reference": "KP-ABCD-2345", "name": "Dorothy Example", "birth_date": date(1948, 3, 2),
             "sex": "female", "phone": "+14155550132", "email": "d@example.org", "language": "es"}),
    patient({"id": CASE, "reference": "KP-ABCD-2345", "name": "No Details"}),
    appointment({"id": 5, "case_id": CASE, "status": "active", "levels": 2, "room": "Room 1",
                 "start": datetime(2026, 12, 14, 16, 0, tzinfo=UTC), "end": datetime(2026, 12, 14, 17, 0, tzinfo=UTC)}),
    medication_statement(CASE, 0, {"text": "Eliquis 5mg twice a day", "unsure": True}),
    allergy_intolerance(CASE, 0, {"substance": "iodine contrast", "reaction": "hives"}),
    allergy_intolerance(CASE, 1, {"substance": "latex", "reaction": ""}),
    questionnaire(),
    questionnaire_response({"id": 9, "case_id": CASE, "status": "submitted", "updated_at": "2026-12-01T10:00:00Z",
                            "submitted_at": "2026-12-01T10:00:00Z", "data": INTAKE_DATA}),
], ids=["patient", "patient-minimal", "appointment", "medstatement", "allergy", "allergy-no-reaction",
        "questionnaire", "questionnaire-response"])
def test_it_emits_valid_resources_that_round_trip(resource: dict[str, Any]) -> None:
    _round_trips(resource)


def test_it_reads_a_questionnaire_response_back_into_the_intake_answers() -> None:
    response = questionnaire_response({"id": 9, "case_id": CASE, "status": "submitted",
                                       "updated_at": "2026-12-01T10:00:00Z", "data": INTAKE_DATA})
    assert answers_from_response(response) == INTAKE_DATA


@pytest.mark.parametrize(("change", "field"), [
    ({"questionnaire": "http://elsewhere.example/Questionnaire/x"}, "questionnaire"),
    ({"item": [{"linkId": "favourite_colour", "answer": [{"valueString": "blue"}]}]}, "item[0].linkId"),
    ({"item": [{"linkId": "diabetes", "answer": [{"valueCoding": {"code": "maybe"}}]}]}, "item[0].diabetes"),
    ({"item": [{"linkId": "smoker", "answer": [{"valueString": "yes"}]}]}, "item[0].smoker"),
    ({"item": [{"linkId": "medicines", "item": [{"linkId": "medicines.text", "answer": [{"valueString": " "}]}]}]},
     "item[0].medicines.text"),
])
def test_it_names_the_field_of_a_bad_questionnaire_response(change: dict[str, Any], field: str) -> None:
    response = {"resourceType": "QuestionnaireResponse", "status": "completed",
                "questionnaire": "https://kyphoplan.org/fhir/Questionnaire/kyphoplasty-intake", **change}
    with pytest.raises(ResponseError) as error:
        answers_from_response(response)
    assert error.value.field == field
