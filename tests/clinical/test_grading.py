"""Genant grade, height loss and morphology with REFERENCE §13's numbers ([GENANT])."""

from __future__ import annotations

from fractions import Fraction

import pytest

from kyphoplan.clinical.grading import (
    Grade,
    GradingError,
    Heights,
    Morphology,
    assess,
    grade_for,
    loss_percent,
    one_decimal,
)


@pytest.mark.parametrize(("loss", "grade"), [
    ("0", Grade.NORMAL), ("19.9", Grade.NORMAL),
    ("20", Grade.MILD), ("22.5", Grade.MILD), ("25", Grade.MILD),        # "1 mild 20–25%"
    ("25.1", Grade.MODERATE), ("40", Grade.MODERATE),                    # "2 moderate 25–40%"
    ("40.1", Grade.SEVERE), ("80", Grade.SEVERE),                        # "3 severe > 40%"
])
def test_it_grades_height_loss_at_the_sources_thresholds(loss: str, grade: Grade) -> None:
    assert grade_for(Fraction(loss)) is grade


def test_it_computes_the_loss_exactly_on_a_boundary() -> None:
    # 24 of 30 mm is exactly 20 %: grade 1, not a float just under it.
    assert loss_percent(Fraction(24), Fraction(30)) == 20
    assert assess(Heights.of("24", "30", "30", "30")).grade is Grade.MILD
    # 18 of 30 mm is exactly 40 %: moderate (severe is strictly above 40 %).
    assert assess(Heights.of("18", "30", "30", "30")).grade is Grade.MODERATE


def test_it_reads_an_anterior_loss_as_a_wedge() -> None:
    a = assess(Heights.of("17.5", "24", "27", "28"))
    assert one_decimal(a.anterior_loss) == "37.5"
    assert a.grade is Grade.MODERATE and a.morphology is Morphology.WEDGE and not a.vertebra_plana


def test_it_reads_a_middle_loss_as_biconcave() -> None:
    a = assess(Heights.of("27", "15", "27", "28"))
    assert one_decimal(a.middle_loss) == "46.4"
    assert a.grade is Grade.SEVERE and a.morphology is Morphology.BICONCAVE


def test_it_reads_a_whole_body_loss_as_crush() -> None:
    a = assess(Heights.of("20", "20", "21", "30"))
    assert one_decimal(a.posterior_loss) == "30.0"
    assert a.morphology is Morphology.CRUSH and a.grade is Grade.MODERATE


def test_it_calls_no_shape_below_the_deformity_threshold() -> None:
    a = assess(Heights.of("25", "26", "27", "28"))
    assert a.grade is Grade.NORMAL and a.morphology is Morphology.NONE


def test_it_flags_vertebra_plana_above_65_percent() -> None:
    # REFERENCE §12: vertebra plana "> 65–70 % collapse"; flagged from the lower figure.
    assert not assess(Heights.of("10.5", "20", "25", "30")).vertebra_plana  # exactly 65 %
    assert assess(Heights.of("10.4", "20", "25", "30")).vertebra_plana


def test_it_counts_a_height_above_the_reference_as_no_loss() -> None:
    assert loss_percent(Fraction(31), Fraction(30)) == 0


@pytest.mark.parametrize(("values", "field"), [
    (("", "20", "20", "30"), "anterior"), (("20", "x", "20", "30"), "middle"),
    (("20", "20", "0", "30"), "posterior"), (("20", "20", "20", None), "reference"),
    (("70", "20", "20", "30"), "anterior"),
])
def test_it_names_the_field_of_an_impossible_height(values: tuple[object, ...], field: str) -> None:
    with pytest.raises(GradingError) as info:
        Heights.of(*values)
    assert info.value.field == field


def test_it_rounds_half_up_to_one_decimal() -> None:
    assert one_decimal(Fraction(100, 3)) == "33.3"
    assert one_decimal(Fraction("12.25")) == "12.3"
