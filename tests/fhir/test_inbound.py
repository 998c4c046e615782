"""EHR resources → contract lines and numbers (used by CDS Hooks prefetch and EHR import)."""

from __future__ import annotations

from datetime import date
from typing import Any

from kyphoplan.fhir.inbound import Line, Skipped, age_on, latest_labs, medication_line


def _obs(rid: str, code: str, value: float, unit: str, when: str, status: str = "final") -> dict[str, Any]:
    return {"resourceType": "Observation", "id": rid, "status": status,
            "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
            "effectiveDateTime": when, "valueQuantity": {"value": value, "unit": unit, "code": unit}}


def test_it_takes_the_newest_usable_value_of_each_lab_and_converts_units() -> None:
    labs = latest_labs([
        _obs("1", "33914-3", 40, "mL/min/{1.73_m2}", "2026-10-01"),
        _obs("2", "98979-8", 55, "mL/min/{1.73_m2}", "2026-11-20T08:00:00-08:00"),
        _obs("3", "62238-1", 70, "mL/min/{1.73_m2}", "2026-11-21", status="entered-in-error"),
        _obs("4", "14682-9", 115, "umol/L", "2026-11-20T09:00:00Z"),
        _obs("5", "6301-6", 1.1, "{INR}", "2026-11-20"),
        _obs("6", "777-3", 210, "10*3/uL", "2026-11-20"),
        _obs("7", "29463-7", 132, "[lb_av]", "2026-11-20"),
    ])
    assert labs["egfr"] == (55, "Observation/2")
    assert labs["serum_creatinine_mg_dl"] == (1.3, "Observation/4")
    assert labs["inr"] == (1.1, "Observation/5")
    assert labs["platelets_10e9_per_l"] == (210, "Observation/6")
    assert labs["weight_kg"] == (59.9, "Observation/7")


def test_it_keeps_a_medicine_line_as_the_ehr_wrote_it() -> None:
    line = medication_line({"resourceType": "MedicationRequest", "id": "9", "status": "active",
                            "medicationCodeableConcept": {"text": "Eliquis 5 mg"},
                            "dosageInstruction": [{"text": "twice a day"}, {"text": "with food"}]})
    assert line == Line("Eliquis 5 mg twice a day; with food", "MedicationRequest/9")
    assert isinstance(medication_line({"resourceType": "MedicationRequest", "id": "8", "status": "active"}),
                      Skipped)


def test_it_gives_an_age_only_for_a_full_birth_date() -> None:
    assert age_on("1948-12-02", date(2026, 12, 1)) == 77
    assert age_on("1948-12-01", date(2026, 12, 1)) == 78
    assert age_on("1948", date(2026, 12, 1)) is None
