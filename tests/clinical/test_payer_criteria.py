"""Payer criteria records: one vector file per record (payer_vectors/<record-id>.json)."""

from __future__ import annotations

import copy
import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from kyphoplan.clinical.payer_criteria import (
    Evidence,
    Outcome,
    PayerCriteriaError,
    Setting,
    evaluate,
    overall,
    parse_record,
    shipped_records,
)

VECTORS = Path(__file__).parent / "payer_vectors"


def _evidence(raw: dict[str, Any]) -> Evidence:
    values = dict(raw)
    if values.get("max_height_loss") is not None:
        values["max_height_loss"] = Fraction(values["max_height_loss"])
    if values.get("setting") is not None:
        values["setting"] = Setting(values["setting"])
    values["levels"] = tuple(values.get("levels") or ())
    return Evidence(**values)


def _cases() -> list[Any]:
    params = []
    for path in sorted(VECTORS.glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        for number, case in enumerate(document["cases"]):
            params.append(pytest.param(document["record"], case, id=f"{path.stem}#{number}"))
    return params


def test_it_has_one_vector_file_per_shipped_record_and_no_orphan() -> None:
    assert {p.stem for p in VECTORS.glob("*.json")} == set(shipped_records())


@pytest.mark.parametrize(("record_id", "case"), _cases())
def test_it_evaluates_each_vector(record_id: str, case: dict[str, Any]) -> None:
    record = parse_record(shipped_records()[record_id])
    results = evaluate(record, _evidence(case["evidence"]))
    got = {r.criterion_id: r.outcome.value for r in results}
    for criterion, expected in case["expect"].items():
        assert got[criterion] == expected, f"{case['name']}: {criterion} → {got[criterion]} ({results})"
    assert overall(results).value == case["overall"], case["name"]


def test_it_cites_a_source_for_every_record() -> None:
    for raw in shipped_records().values():
        record = parse_record(raw)
        assert record.source and record.source_note


def test_it_never_ships_the_wrong_nrs_7_line() -> None:
    # REFERENCE §12: 'The old "NRS ≥ 7" line was wrong: do not use it.'
    text = json.dumps(list(shipped_records().values()))
    assert "≥ 7" not in text and '"inpatient": 7' not in text and '"outpatient": 7' not in text


def test_it_shows_evidence_with_each_outcome() -> None:
    record = parse_record(shipped_records()["medicare-lcd"])
    results = evaluate(record, Evidence(pain_nrs=6, setting=Setting.OUTPATIENT))
    pain = next(r for r in results if r.criterion_id == "lcd.pain-despite-care")
    assert pain.outcome is Outcome.MET and "NRS 6" in pain.evidence and "≥ 5" in pain.evidence


def _edited(**change: Any) -> dict[str, Any]:
    raw = copy.deepcopy(shipped_records()["commercial-bcbs-style"])
    raw["criteria"][0].update(change)
    return raw


@pytest.mark.parametrize(("change", "where"), [
    ({"kind": "guess"}, "criteria[0] commercial.conservative-6w"),
    ({"weeks": -1}, "criteria[0] commercial.conservative-6w"),
    ({"weeks": True}, "criteria[0] commercial.conservative-6w"),
    ({"fact": "kyphosis"}, "criteria[0] commercial.conservative-6w"),
    ({"extra": 1}, "criteria[0] commercial.conservative-6w"),
    ({"id": ""}, "criteria[0]"),
])
def test_it_refuses_a_malformed_edit_and_names_the_criterion(change: dict[str, Any], where: str) -> None:
    with pytest.raises(PayerCriteriaError) as info:
        parse_record(_edited(**change))
    assert info.value.where == where


def test_it_accepts_an_edited_number() -> None:
    record = parse_record(_edited(weeks=8))
    assert evaluate(record, Evidence(conservative_care_weeks=6))[0].outcome is Outcome.NOT_MET
