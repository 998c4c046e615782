"""CPT and ICD-10-CM codes from the planned levels (REFERENCE §1, "Billing codes")."""

from __future__ import annotations

import pytest

from kyphoplan.clinical.coding import (
    CodingError,
    Encounter,
    Osteoporosis,
    cpt_codes,
    cpt_lines,
    icd10,
    parse_level,
)


@pytest.mark.parametrize(("levels", "codes"), [
    (["T12"], ["22513"]),                          # first level thoracic
    (["L1"], ["22514"]),                           # first level lumbar
    (["T12", "L1"], ["22513", "22515"]),           # the two-level case
    (["L1", "T12"], ["22514", "22515"]),           # the first *treated* level decides
    (["L2", "L3", "L4"], ["22514", "22515", "22515"]),
    (["T5", "T6", "T7", "T8"], ["22513", "22515", "22515", "22515"]),
])
def test_it_codes_the_first_level_by_region_and_one_22515_per_further_level(levels: list[str],
                                                                           codes: list[str]) -> None:
    assert cpt_codes(levels) == codes


def test_it_names_the_level_each_code_is_for() -> None:
    lines = cpt_lines(["t12", " L1 "])
    assert [(ln.code, ln.level) for ln in lines] == [("22513", "T12"), ("22515", "L1")]
    assert "thoracic" in lines[0].text and "add-on" in lines[1].text


@pytest.mark.parametrize("levels", [[], ["C7"], ["S1"], ["T13"], ["L6"], ["T0"], ["T12", "T12"]])
def test_it_refuses_what_it_cannot_code(levels: list[str]) -> None:
    with pytest.raises(CodingError):
        cpt_codes(levels)


def test_it_orders_levels_cranial_to_caudal() -> None:
    assert parse_level("T5") < parse_level("T12") < parse_level("L1") < parse_level("L5")


@pytest.mark.parametrize(("kind", "encounter", "code"), [
    (Osteoporosis.AGE_RELATED, Encounter.INITIAL, "M80.08XA"),
    (Osteoporosis.OTHER, Encounter.INITIAL, "M80.88XA"),
    (Osteoporosis.AGE_RELATED, Encounter.SUBSEQUENT_ROUTINE, "M80.08XD"),
    (Osteoporosis.AGE_RELATED, Encounter.SUBSEQUENT_DELAYED, "M80.08XG"),
    (Osteoporosis.OTHER, Encounter.SUBSEQUENT_NONUNION, "M80.88XK"),
    (Osteoporosis.AGE_RELATED, Encounter.SUBSEQUENT_MALUNION, "M80.08XP"),
    (Osteoporosis.OTHER, Encounter.SEQUELA, "M80.88XS"),
])
def test_it_takes_the_7th_character_from_the_encounter(kind: Osteoporosis, encounter: Encounter, code: str) -> None:
    assert icd10(kind, encounter).code == code


def test_it_never_codes_a_collapsed_vertebra_or_a_traumatic_fracture() -> None:
    codes = {icd10(k, e).code for k in Osteoporosis for e in Encounter}
    assert all(c.startswith("M80.") for c in codes)
