"""Allergy lines: category, reaction text, and reaction severity."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kyphoplan.clinical.allergies import (
    AllergyCategory,
    ReactionSeverity,
    classify_allergy,
    reaction_severity,
)

LINES = Path(__file__).parent / "data" / "allergy_lines.tsv"


def _labelled() -> list[tuple[str, str, str | None, str]]:
    rows = []
    for row in LINES.read_text(encoding="utf-8").splitlines():
        if not row.strip() or row.startswith("#") or row.startswith("line\t"):
            continue
        line, category, reaction, severity = row.split("\t")
        rows.append((line, category, None if reaction == "-" else reaction, severity))
    return rows


@pytest.mark.parametrize(("line", "category", "reaction", "severity"), _labelled())
def test_it_classifies_the_labelled_line(
    line: str, category: str, reaction: str | None, severity: str
) -> None:
    assessment = classify_allergy(line)
    assert assessment.input == line
    assert (assessment.category, assessment.reaction) == (category, reaction)
    assert assessment.recognized is (category != AllergyCategory.UNKNOWN)
    assert reaction_severity(assessment.reaction) == severity


def test_it_has_every_category_in_the_labelled_list() -> None:
    assert {category for _, category, _, _ in _labelled()} == {c.value for c in AllergyCategory}


def test_it_reads_the_contract_example() -> None:
    assessment = classify_allergy("iodinated contrast - hives 2019")
    assert assessment.category == AllergyCategory.IODINATED_CONTRAST == "iodinated-contrast"
    assert assessment.reaction == "hives 2019"
    assert reaction_severity(assessment.reaction) == ReactionSeverity.MILD == "mild"


def test_it_keeps_iodine_and_shellfish_apart_from_contrast() -> None:
    assert classify_allergy("shellfish").category == AllergyCategory.SHELLFISH
    assert classify_allergy("iodine").category == AllergyCategory.IODINE
    assert classify_allergy("iodine contrast").category == AllergyCategory.IODINATED_CONTRAST


@pytest.mark.parametrize("line", ["Allergies: NKDA", "allergies: none", "Alergias: ninguna"])
def test_it_reads_no_known_allergies_after_a_heading(line: str) -> None:
    assert classify_allergy(line).category == AllergyCategory.NO_KNOWN_ALLERGIES


def test_it_tells_gadolinium_from_iodinated_contrast() -> None:
    assert classify_allergy("MRI contrast").category == AllergyCategory.GADOLINIUM_CONTRAST
    assert classify_allergy("CT contrast").category == AllergyCategory.IODINATED_CONTRAST


def test_it_does_not_take_hair_dye_for_contrast() -> None:
    assert classify_allergy("hair dye").category == AllergyCategory.ENVIRONMENTAL


@pytest.mark.parametrize(
    ("text", "severity"),
    [
        ("anaphylaxis", "severe"),
        ("throat swelling", "severe"),
        ("throat closing up", "severe"),
        ("could not breathe", "severe"),
        ("wheezing", "severe"),
        ("bronchospasm", "severe"),
        ("low blood pressure", "severe"),
        ("passed out", "severe"),
        ("intubated", "severe"),
        ("ended up in the ICU", "severe"),
        ("needed epinephrine", "severe"),
        ("used my EpiPen", "severe"),
        ("cardiac arrest", "severe"),
        ("anafilaxia", "severe"),
        ("se me cerró la garganta", "severe"),
        ("no podía respirar", "severe"),
        ("hives", "mild"),
        ("itching", "mild"),
        ("rash", "mild"),
        ("flushing", "mild"),
        ("nausea", "mild"),
        ("sneezing", "mild"),
        ("ronchas", "mild"),
        ("picazón", "mild"),
        ("comezón", "mild"),
        ("hives, no trouble breathing", "mild"),
        ("unknown", "unknown"),
        ("muscle pain", "unknown"),
        ("", "unknown"),
        (None, "unknown"),
    ],
)
def test_it_grades_the_reaction(text: str | None, severity: str) -> None:
    assert reaction_severity(text) == severity


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.text())
def test_it_never_raises_and_keeps_the_input(line: str) -> None:
    assessment = classify_allergy(line)
    assert assessment.input == line
    assert assessment.category in {c.value for c in AllergyCategory}
    assert reaction_severity(line) in {s.value for s in ReactionSeverity}


# Trouble breathing is an airway reaction in every way people say it, in both languages; an
# outside tester found "Ronchas y me costó respirar" graded mild while "hives and hard to
# breathe" was severe.
@pytest.mark.parametrize(
    "text",
    [
        "Ronchas y me costó respirar", "ronchas, me costaba respirar", "me costaba mucho respirar",
        "me faltaba el aire", "le faltaba el aire", "no me entraba el aire", "sentí que me ahogaba",
        "ahogo", "se me dificultó respirar", "era difícil respirar", "respiraba con dificultad",
        "opresión en el pecho", "pecho apretado", "silbido al respirar",
        "hives and hard to breathe", "struggled to breathe", "hard time breathing",
        "couldn't catch my breath", "breathing problems", "breathless", "gasping for air",
        "chest tightness", "tight chest", "labored breathing",
    ],
)
def test_it_grades_trouble_breathing_as_severe_in_english_and_spanish(text: str) -> None:
    assert reaction_severity(text) == "severe"


@pytest.mark.parametrize("text", ["ronchas, sin dificultad para respirar", "hives, breathing was fine",
                                  "ronchas, respiraba bien"])
def test_it_does_not_raise_hives_with_normal_breathing_to_severe(text: str) -> None:
    assert reaction_severity(text) == "mild"
