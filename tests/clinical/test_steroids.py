"""Long-term glucocorticoids (REFERENCE.md §11): a clinician review, never patient advice to change."""

from __future__ import annotations

from typing import Any

from kyphoplan.clinical.context import PlanContext
from kyphoplan.clinical.facts import parse_facts
from kyphoplan.clinical.model import (
    ActionCode,
    Disposition,
    Dose,
    FlagCode,
    Frequency,
    RecognizedMedication,
)
from kyphoplan.clinical.preparation import load_preparation_rules
from kyphoplan.clinical.renal import creatinine_clearance
from kyphoplan.clinical.steroids import plan_steroids

DAILY = Frequency(1.0, label="once daily")
TWICE = Frequency(2.0, label="twice daily")


def steroid(
    line: str,
    ingredient: str,
    dose: Dose | None,
    frequency: Frequency | None = DAILY,
    drug_class: str = "glucocorticoid",
) -> RecognizedMedication:
    return RecognizedMedication(
        input=line,
        recognized=True,
        ingredients=(ingredient,),
        classes=(drug_class,),
        dose=dose,
        frequency=frequency,
    )


def context(*meds: RecognizedMedication, **extra: Any) -> PlanContext:
    facts = parse_facts(
        {
            "as_of": "2026-12-01T10:00:00-08:00",
            "procedure": {"start": "2026-12-14T08:00:00-08:00", "timezone": "America/Los_Angeles"},
            **extra,
        }
    )
    return PlanContext(
        facts=facts,
        medications=meds,
        allergies=(),
        crcl=creatinine_clearance(facts),
        rules=load_preparation_rules(),
    )


def review_flags(*meds: RecognizedMedication) -> list[str]:
    return [
        f.text.en
        for f in plan_steroids(context(*meds)).flags
        if f.code is FlagCode.STEROID_STRESS_DOSE_REVIEW
    ]


def test_it_asks_for_a_stress_dose_review_on_prednisone_10_mg() -> None:
    result = plan_steroids(context(steroid("prednisone 10 mg daily", "prednisone", Dose(10, "mg"))))
    (flag,) = result.flags
    assert flag.code is FlagCode.STEROID_STRESS_DOSE_REVIEW
    assert flag.rule == "woodcock2020.long-term-glucocorticoid"
    assert "10 mg/day" in flag.text.en and "4 weeks or more" in flag.text.en
    (keep,) = result.actions
    assert keep.code is ActionCode.CONTINUE_MEDICATION
    assert "Keep taking prednisone" in keep.text.en
    assert result.dispositions == {0: Disposition.CONTINUE}


def test_it_never_tells_the_patient_to_change_the_steroid() -> None:
    result = plan_steroids(context(steroid("prednisone 20 mg daily", "prednisone", Dose(20, "mg"))))
    for action in result.actions:
        for word in ("stop", "extra", "double", "increase"):
            assert word not in action.text.en.lower()


def test_it_leaves_a_small_prednisone_dose_alone() -> None:
    result = plan_steroids(context(steroid("prednisone 2.5 mg daily", "prednisone", Dose(2.5, "mg"))))
    assert not result.flags and not result.actions and not result.dispositions


def test_it_counts_hydrocortisone_20_mg_a_day_as_5_mg_prednisolone() -> None:
    # 10 mg twice a day = 20 mg x 0.25 = 5 mg: at the threshold, so reviewed.
    (text,) = review_flags(steroid("hydrocortisone 10 mg BID", "hydrocortisone", Dose(10, "mg"), TWICE))
    assert "5 mg/day" in text


def test_it_counts_dexamethasone_with_its_factor() -> None:
    (text,) = review_flags(steroid("dexamethasone 1 mg", "dexamethasone", Dose(1, "mg")))
    assert "6.67 mg/day" in text


def test_it_says_when_it_assumed_once_a_day() -> None:
    (text,) = review_flags(steroid("Medrol 8 mg", "methylprednisolone", Dose(8, "mg"), frequency=None))
    assert "10 mg/day" in text and "assuming once a day" in text


def test_it_cannot_rule_out_the_threshold_without_a_dose() -> None:
    (text,) = review_flags(steroid("prednisone", "prednisone", None))
    assert "dose not stated" in text


def test_it_cannot_rule_out_the_threshold_for_a_taper() -> None:
    (text,) = review_flags(steroid("prednisone taper", "prednisone", Dose(20, "mg", variable=True)))
    assert "tapers" in text


def test_it_ignores_inhaled_and_topical_steroids() -> None:
    inhaled = steroid("Flovent 2 puffs BID", "fluticasone", None, drug_class="glucocorticoid-inhaled")
    cream = steroid("clobetasol cream", "clobetasol", None, drug_class="glucocorticoid-topical")
    result = plan_steroids(context(inhaled, cream))
    assert not result.flags and not result.actions and not result.dispositions
