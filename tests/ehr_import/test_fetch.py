"""Fetching medicines and allergies from an external FHIR server (a local test server)."""

from __future__ import annotations

import pytest

from kyphoplan.ehr_import.client import FhirFetchError, FhirServer
from kyphoplan.ehr_import.fetch import fetch_patient_lines
from tests.ehr_import.fake_fhir import bundle, serve_fhir

CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"

ELIQUIS = {"resourceType": "MedicationStatement", "id": "ms-1", "status": "active",
           "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                                                     "code": "1364445", "display": "apixaban 5 MG Oral Tablet"}]},
           "dosage": [{"text": "twice a day"}], "subject": {"reference": "Patient/p1"}}
OLD_ASPIRIN = {"resourceType": "MedicationStatement", "id": "ms-2", "status": "stopped",
               "medicationCodeableConcept": {"text": "aspirin 81 mg"}}
METFORMIN_BY_REFERENCE = {
    "resourceType": "MedicationRequest", "id": "mr-1", "status": "active", "intent": "order",
    "contained": [{"resourceType": "Medication", "id": "med1", "code": {"text": "metformin 1000 mg tablet"}}],
    "medicationReference": {"reference": "#med1"}, "dosageInstruction": [{"text": "1 tablet twice daily"}],
}
CONTRAST = {"resourceType": "AllergyIntolerance", "id": "al-1",
            "clinicalStatus": {"coding": [{"system": CLINICAL, "code": "active"}]},
            "code": {"coding": [{"system": "http://snomed.info/sct", "display": "Iodinated contrast media"}]},
            "reaction": [{"manifestation": [{"coding": [{"display": "Urticaria"}]}]}]}
REFUTED = {"resourceType": "AllergyIntolerance", "id": "al-2",
           "verificationStatus": {"coding": [{"system": VERIFICATION, "code": "refuted"}]},
           "code": {"text": "penicillin"}}


def test_it_maps_lines_with_their_source_following_next_links_and_skipping_inactive() -> None:
    with serve_fhir() as fhir:
        fhir.add("/fhir/MedicationStatement?patient=p1&_count=100",
                 bundle([ELIQUIS], next_url=f"{fhir.base_url}/MedicationStatement?patient=p1&page=2"))
        fhir.add("/fhir/MedicationStatement?patient=p1&page=2", bundle([OLD_ASPIRIN]))
        fhir.add("/fhir/MedicationRequest?patient=p1&_count=100", bundle([METFORMIN_BY_REFERENCE]))
        fhir.add("/fhir/AllergyIntolerance?patient=p1&_count=100", bundle([CONTRAST, REFUTED]))
        result = fetch_patient_lines(FhirServer(fhir.base_url, "secret-token"), "p1")
        base = fhir.base_url
    assert [(m.text, m.source) for m in result.medications] == [
        ("apixaban 5 MG Oral Tablet twice a day", f"{base}/MedicationStatement/ms-1"),
        ("metformin 1000 mg tablet 1 tablet twice daily", f"{base}/MedicationRequest/mr-1"),
    ]
    assert [(a.text, a.source) for a in result.allergies] == [
        ("Iodinated contrast media - Urticaria", f"{base}/AllergyIntolerance/al-1")]
    assert sorted((s.source.rsplit("/", 2)[-2], s.reason) for s in result.skipped) == [
        ("AllergyIntolerance", "verification status refuted"), ("MedicationStatement", "status stopped")]
    assert all(auth == "Bearer secret-token" for _, auth in fhir.seen)
    assert len(fhir.seen) == 4


def test_it_fails_as_a_whole_when_the_server_errors() -> None:
    with serve_fhir() as fhir:
        fhir.add("/fhir/MedicationStatement?patient=p1&_count=100", bundle([ELIQUIS]))
        fhir.add("/fhir/MedicationRequest?patient=p1&_count=100", {"resourceType": "OperationOutcome"}, status=503)
        with pytest.raises(FhirFetchError) as error:
            fetch_patient_lines(FhirServer(fhir.base_url), "p1")
    assert error.value.status == 503


@pytest.mark.parametrize(("body", "message"), [
    (b"<html>not json</html>", "did not send JSON"),
    ({"resourceType": "Patient", "id": "p1"}, "did not return a Bundle"),
    ({"resourceType": "OperationOutcome", "issue": []}, "OperationOutcome"),
])
def test_it_refuses_answers_that_are_not_search_bundles(body: object, message: str) -> None:
    with serve_fhir() as fhir:
        fhir.add("/fhir/MedicationStatement?patient=p1&_count=100", body)
        with pytest.raises(FhirFetchError, match=message):
            fetch_patient_lines(FhirServer(fhir.base_url), "p1")


def test_it_never_sends_the_token_to_another_server_named_in_a_next_link() -> None:
    with serve_fhir() as fhir:
        fhir.add("/fhir/MedicationStatement?patient=p1&_count=100",
                 bundle([ELIQUIS], next_url="http://other.example:9/fhir/steal?page=2"))
        with pytest.raises(FhirFetchError, match="another server"):
            fetch_patient_lines(FhirServer(fhir.base_url, "secret-token"), "p1")


def test_it_reports_an_unreachable_server() -> None:
    with serve_fhir() as fhir:
        base = fhir.base_url
    with pytest.raises(FhirFetchError, match="cannot reach"):
        fetch_patient_lines(FhirServer(base), "p1")


def test_it_stops_following_an_endless_chain_of_pages() -> None:
    with serve_fhir() as fhir:
        fhir.add("/fhir/MedicationStatement?patient=p1&_count=100",
                 bundle([], next_url=f"{fhir.base_url}/MedicationStatement?patient=p1&_count=100"))
        with pytest.raises(FhirFetchError, match="more than"):
            fetch_patient_lines(FhirServer(fhir.base_url), "p1")
