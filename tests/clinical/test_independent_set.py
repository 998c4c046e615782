"""The outside tester's independent labelled lines (`data/independent_lines.tsv`).

Written by someone who never read the knowledge base, committed as received and
scored before any fix (docs/recognition.md has both figures). The labels are
never edited: where the engine deliberately disagrees with one, the line is
listed below with the reason and tested as a known disagreement, so the bars
are met on every other line and a change on these lines is seen.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from kyphoplan.clinical.recognition import recognize

ROOT = Path(__file__).resolve().parents[2]
LINES = ROOT / "tests/clinical/data/independent_lines.tsv"

# line -> why the engine's reading differs from the label (docs/recognition.md).
DISAGREEMENTS = {
    "Omnipod 5 pods every 3 days": (
        "an Omnipod is the patient's insulin pump: the plan must apply the pump rule "
        "(continue basal), so the engine reads it as 'insulin pump', not as a supply"
    ),
    "blood thinner (don't remember the name)": (
        "the patient says they take a blood thinner: the engine reads 'a blood thinner, "
        "name not known' (no hold, a prescriber consult), never a named drug"
    ),
}


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("recognition_accuracy", ROOT / "bench/recognition_accuracy.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def report() -> Any:
    bench = _bench()
    labelled = [item for item in bench.read_labelled_lines(LINES) if item.line not in DISAGREEMENTS]
    return bench.evaluate(labelled)


def test_it_scores_at_least_300_independent_lines() -> None:
    lines = _bench().read_labelled_lines(LINES)
    assert len(lines) >= 300
    assert all(line in {item.line for item in lines} for line in DISAGREEMENTS)


def test_it_reaches_099_on_blood_thinner_lines(report: Any) -> None:
    assert report.antithrombotic.precision >= 0.99
    assert report.antithrombotic.recall >= 0.99


def test_it_reaches_099_on_diabetes_lines(report: Any) -> None:
    assert report.diabetes.precision >= 0.99
    assert report.diabetes.recall >= 0.99


def test_it_reports_no_blood_thinner_the_label_does_not_have(report: Any) -> None:
    assert [item.line for item, _ in report.antithrombotic_false_positives] == []


@pytest.mark.parametrize("line", sorted(DISAGREEMENTS))
def test_it_keeps_its_documented_reading_where_it_disagrees_with_a_label(line: str) -> None:
    # If this starts failing, the engine changed its reading: revisit the disagreement.
    result = recognize(line)
    assert result.recognized
    assert result.ingredients in (("insulin pump",), ("unspecified-blood-thinner",))
