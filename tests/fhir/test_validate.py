"""The binding checks the R4B models do not make, and what `emit` refuses."""

from __future__ import annotations

import pytest

from kyphoplan.fhir.validate import FhirInvalid, binding_problems, emit

CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"


def test_it_refuses_codes_outside_the_required_value_sets() -> None:
    assert binding_problems({"resourceType": "Task", "status": "open", "intent": "order"})
    assert binding_problems({"resourceType": "Task", "status": "requested", "intent": "wish"})
    assert binding_problems({"resourceType": "CarePlan", "status": "signed", "intent": "plan"})
    assert binding_problems({"resourceType": "CarePlan", "status": "active", "intent": "plan",
                             "activity": [{"detail": {"status": "done"}}]})
    assert binding_problems({"resourceType": "Appointment", "status": "confirmed"})
    assert binding_problems({"resourceType": "QuestionnaireResponse", "status": "submitted"})
    assert binding_problems({"resourceType": "Patient", "gender": "f"})


def test_it_checks_allergy_statuses_by_system_and_code() -> None:
    ok = {"resourceType": "AllergyIntolerance", "patient": {"reference": "Patient/1"},
          "clinicalStatus": {"coding": [{"system": CLINICAL, "code": "active"}]}}
    assert binding_problems(ok) == []
    wrong_code = {**ok, "clinicalStatus": {"coding": [{"system": CLINICAL, "code": "current"}]}}
    wrong_system = {**ok, "clinicalStatus": {"coding": [{"system": "http://example.org", "code": "active"}]}}
    assert binding_problems(wrong_code) and binding_problems(wrong_system)


def test_it_accepts_good_codes_and_the_model_still_checks_structure() -> None:
    assert emit({"resourceType": "Task", "status": "requested", "intent": "order"})["status"] == "requested"
    with pytest.raises(FhirInvalid):
        emit({"resourceType": "Task", "status": "requested", "intent": "order", "priority": 3, "nonsense": 1})
    with pytest.raises(FhirInvalid):
        emit({"resourceType": "NoSuchThing"})
    with pytest.raises(FhirInvalid) as bad:
        emit({"resourceType": "Task", "status": "bogus", "intent": "order"})
    assert "status" in bad.value.problems[0]
