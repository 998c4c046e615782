"""US Core where claimed (Patient, AllergyIntolerance), RxNorm codes only where verified."""

from __future__ import annotations

from kyphoplan.fhir.resources import (
    US_CORE_ALLERGY,
    US_CORE_PATIENT,
    allergy_intolerance,
    medication_statement,
    patient,
)
from kyphoplan.fhir.validate import emit

RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
CASE = "7d1c3c4e-8f43-4b8e-9a52-1f6f0a0b0c01"


def test_it_emits_a_us_core_patient_with_a_family_name() -> None:
    resource = emit(patient({"id": CASE, "reference": "KC-AAAA-BBBB", "name": "María Elena Ruiz", "sex": "female",
                             "language": "es"}))
    assert resource["meta"]["profile"] == [US_CORE_PATIENT]
    assert resource["name"] == [{"text": "María Elena Ruiz", "family": "Ruiz", "given": ["María", "Elena"]}]
    assert resource["identifier"][0]["value"] == "KC-AAAA-BBBB" and resource["gender"] == "female"


def test_it_codes_only_medicines_whose_rxnorm_ingredient_code_is_verified() -> None:
    def coding(text: str) -> list[dict[str, str]]:
        concept = emit(medication_statement(CASE, 0, {"text": text}))["medicationCodeableConcept"]
        assert concept["text"] == text
        return list(concept.get("coding", []))

    assert coding("Plavix 75 mg once daily") == [{"system": RXNORM, "code": "32968", "display": "clopidogrel"}]
    assert coding("Coumadin 5 mg") == [{"system": RXNORM, "code": "11289", "display": "warfarin"}]
    assert coding("Eliquis 5 mg twice daily") == []  # apixaban's RxCUI is UNVERIFIED (REFERENCE §14)
    assert coding("metformin 500 mg twice a day") == []
    assert coding("little white pill for my heart") == []
    assert coding("a blood thinner, not sure which") == []


def test_it_keeps_the_codes_an_ehr_gave_on_import() -> None:
    given = [{"system": RXNORM, "code": "1364445", "display": "apixaban 5 MG Oral Tablet"}]
    concept = emit(medication_statement(CASE, 0, {"text": "apixaban 5 MG Oral Tablet", "codes": given}))
    assert concept["medicationCodeableConcept"]["coding"] == given
    snomed = [{"system": "http://snomed.info/sct", "code": "91936005", "display": "Allergy to penicillin"}]
    allergy = emit(allergy_intolerance(CASE, 0, {"substance": "penicillin", "reaction": "hives", "codes": snomed}))
    assert allergy["code"] == {"text": "penicillin", "coding": snomed}
    assert allergy["meta"]["profile"] == [US_CORE_ALLERGY]
