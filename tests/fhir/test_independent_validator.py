"""The independent validator scripts/test.sh runs over every resource the tests produce
(npm `fhir` + US Core required elements) finds errors: it is not a check that cannot fail."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from kyphoplan.fhir.resources import allergy_intolerance, medication_statement, patient
from kyphoplan.fhir.validate import emit

ROOT = Path(__file__).resolve().parents[2]
CASE = "7d1c3c4e-8f43-4b8e-9a52-1f6f0a0b0c01"


def _run(folder: Path, resources: list[dict[str, object]]) -> subprocess.CompletedProcess[str]:
    for index, resource in enumerate(resources):
        (folder / f"r{index}.json").write_text(json.dumps(resource))
    return subprocess.run(["node", str(ROOT / "scripts" / "validate_fhir.cjs"), str(folder)],
                          capture_output=True, text=True, timeout=120, check=False)


def test_it_passes_what_we_emit(tmp_path: Path) -> None:
    ours = [emit(patient({"id": CASE, "reference": "KC-AAAA-BBBB", "name": "Maria Testpatient", "sex": "female"})),
            emit(allergy_intolerance(CASE, 0, {"substance": "iodinated contrast", "reaction": "hives"})),
            emit(medication_statement(CASE, 0, {"text": "Plavix 75 mg once daily"}))]
    result = _run(tmp_path, ours)
    assert result.returncode == 0, result.stdout
    assert "3 resources checked" in result.stdout


def test_it_fails_a_bad_code_a_missing_element_and_a_broken_us_core_claim(tmp_path: Path) -> None:
    us_core_patient = emit(patient({"id": CASE, "reference": "KC-AAAA-BBBB", "name": "Maria", "sex": "female"}))
    del us_core_patient["name"][0]["family"]
    result = _run(tmp_path, [
        {"resourceType": "Patient", "id": "p", "gender": "femme"},
        {"resourceType": "MedicationStatement", "id": "m", "status": "active", "medicationCodeableConcept": {"text": "x"}},
        us_core_patient,
    ])
    assert result.returncode == 1
    assert 'Code "femme" not found' in result.stdout
    assert "MedicationStatement.subject" in result.stdout
    assert "us-core-6: name.family or name.given" in result.stdout
    assert "3 with errors" in result.stdout
