"""Diabetes medicines before kyphoplasty: personas, numbers derived by hand from REFERENCE.md §7 and §9.

The procedure is Monday 14 December 2026 at 08:00 in Los Angeles (PST, -08:00)
unless a test says otherwise; the plan is made on 1 December.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kyphoplan.clinical.context import PlanContext
from kyphoplan.clinical.diabetes import plan_diabetes
from kyphoplan.clinical.facts import parse_facts
from kyphoplan.clinical.model import (
    Action,
    ActionCode,
    Disposition,
    Dose,
    Flag,
    FlagCode,
    Frequency,
    RecognizedMedication,
    Severity,
)
from kyphoplan.clinical.preparation import load_preparation_rules
from kyphoplan.clinical.renal import creatinine_clearance
from kyphoplan.clinical.wording import check_catalogues

BEDTIME = Frequency(1.0, ("21:00",), label="at bedtime")
MORNING = Frequency(1.0, ("08:00",), label="every morning")
DAILY = Frequency(1.0, label="once daily")
TWICE = Frequency(2.0, ("08:00", "20:00"), label="twice daily")
WEEKLY = Frequency(1 / 7, weekly=True, label="weekly")


def med(
    line: str,
    ingredients: tuple[str, ...],
    classes: tuple[str, ...],
    *,
    dose: Dose | None = None,
    frequency: Frequency | None = None,
    route: str | None = None,
    brand: str | None = None,
) -> RecognizedMedication:
    return RecognizedMedication(
        input=line,
        recognized=True,
        ingredients=ingredients,
        classes=classes,
        dose=dose,
        frequency=frequency,
        route=route,
        brand=brand,
    )


def context(*meds: RecognizedMedication, **facts: Any) -> PlanContext:
    raw: dict[str, Any] = {
        "as_of": facts.pop("as_of", "2026-12-01T10:00:00-08:00"),
        "procedure": {
            "start": facts.pop("start", "2026-12-14T08:00:00-08:00"),
            "timezone": "America/Los_Angeles",
        },
        **facts,
    }
    parsed = parse_facts(raw)
    return PlanContext(
        facts=parsed,
        medications=meds,
        allergies=(),
        crcl=creatinine_clearance(parsed),
        rules=load_preparation_rules(),
    )


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def actions(ctx: PlanContext, code: ActionCode) -> list[Action]:
    return [a for a in plan_diabetes(ctx).actions if a.code is code]


def flags(ctx: PlanContext, code: FlagCode) -> list[Flag]:
    return [f for f in plan_diabetes(ctx).flags if f.code is code]


LANTUS = med(
    "Lantus 30 units at bedtime",
    ("insulin glargine",),
    ("insulin-long-acting",),
    dose=Dose(30, "units"),
    frequency=BEDTIME,
    brand="Lantus",
)
GLIPIZIDE = med(
    "glipizide 5 mg daily", ("glipizide",), ("sulfonylurea",), dose=Dose(5, "mg"), frequency=DAILY
)
METFORMIN = med(
    "metformin 1000 mg BID", ("metformin",), ("biguanide",), dose=Dose(1000, "mg"), frequency=TWICE
)


def test_it_has_the_same_diabetes_texts_in_english_and_spanish() -> None:
    check_catalogues()


def test_it_proposes_75_to_80_percent_of_bedtime_glargine_the_evening_before() -> None:
    ctx = context(LANTUS, patient={"diabetes": "type2"})
    (adjust,) = actions(ctx, ActionCode.ADJUST_DOSE)
    assert adjust.drug == "insulin glargine"
    assert adjust.due == at("2026-12-13T21:00:00-08:00")
    assert adjust.requires_review
    assert adjust.rule == "samba2010.insulin-long-acting"
    assert "22 to 24 units" in adjust.text.en  # 30 x 75% = 22.5 -> 22; 30 x 80% = 24
    assert "de 22 a 24 unidades" in adjust.text.es
    (flag,) = flags(ctx, FlagCode.INSULIN_DOSE_ADJUSTMENT)
    assert flag.drug == "insulin glargine"
    assert plan_diabetes(ctx).dispositions == {0: Disposition.ADJUST}


def test_it_proposes_only_75_percent_after_hypoglycaemia() -> None:
    ctx = context(LANTUS, patient={"hypoglycemia_history": True})
    (adjust,) = actions(ctx, ActionCode.ADJUST_DOSE)
    assert "take 22 units of" in adjust.text.en


def test_it_gives_a_morning_glargine_dose_75_to_100_percent_on_the_day() -> None:
    line = med(
        "Basaglar 40 units every morning",
        ("insulin glargine",),
        ("insulin-long-acting",),
        dose=Dose(40, "units"),
        frequency=MORNING,
    )
    (adjust,) = actions(context(line), ActionCode.ADJUST_DOSE)
    assert adjust.due == at("2026-12-14T08:00:00-08:00")
    assert "30 to 40 units" in adjust.text.en


def test_it_adjusts_both_doses_of_twice_daily_detemir() -> None:
    line = med(
        "Levemir 20 units twice daily",
        ("insulin detemir",),
        ("insulin-long-acting",),
        dose=Dose(20, "units"),
        frequency=TWICE,
    )
    adjusted = actions(context(line), ActionCode.ADJUST_DOSE)
    assert {(a.due, a.text.en.split("take ")[1].split(" of")[0]) for a in adjusted} == {
        (at("2026-12-13T20:00:00-08:00"), "15 to 16 units"),
        (at("2026-12-14T08:00:00-08:00"), "15 to 20 units"),
    }


def test_it_shows_percentages_when_the_insulin_dose_is_not_stated() -> None:
    line = med("Lantus at bedtime", ("insulin glargine",), ("insulin-long-acting",), frequency=BEDTIME)
    (adjust,) = actions(context(line), ActionCode.ADJUST_DOSE)
    assert "75% to 80% of your usual dose" in adjust.text.en
    assert "del 75 % al 80 % de su dosis habitual" in adjust.text.es


def test_it_assumes_the_dose_time_and_says_so_when_the_line_has_none() -> None:
    line = med(
        "Lantus 30 units daily",
        ("insulin glargine",),
        ("insulin-long-acting",),
        dose=Dose(30, "units"),
        frequency=DAILY,
    )
    ctx = context(line)
    (adjust,) = actions(ctx, ActionCode.ADJUST_DOSE)
    assert adjust.due == at("2026-12-14T08:00:00-08:00")  # §6 default: 08:00 once daily
    (unclear,) = flags(ctx, FlagCode.DOSE_OR_FREQUENCY_UNCLEAR)
    assert "8:00 AM" in unclear.text.en


def test_it_reads_bedtime_from_the_words_when_the_recogniser_gave_no_clock() -> None:
    line = med(
        "Lantus 30 units at night",
        ("insulin glargine",),
        ("insulin-long-acting",),
        dose=Dose(30, "units"),
        frequency=Frequency(1.0),
    )
    ctx = context(line)
    (adjust,) = actions(ctx, ActionCode.ADJUST_DOSE)
    assert adjust.due.date().isoformat() == "2026-12-13"  # type: ignore[union-attr]
    assert not flags(ctx, FlagCode.DOSE_OR_FREQUENCY_UNCLEAR)


def test_it_halves_morning_nph_and_shows_samba_range_to_the_clinician() -> None:
    line = med(
        "Humulin N 20 units every morning",
        ("insulin isophane",),
        ("insulin-intermediate",),
        dose=Dose(20, "units"),
        frequency=MORNING,
    )
    ctx = context(line)
    (adjust,) = actions(ctx, ActionCode.ADJUST_DOSE)
    assert adjust.rule == "ada2024.insulin-nph"
    assert "take 10 units of" in adjust.text.en
    (flag,) = flags(ctx, FlagCode.INSULIN_DOSE_ADJUSTMENT)
    assert "50-75%" in flag.text.en


def test_it_sends_an_evening_nph_dose_to_a_clinician() -> None:
    line = med(
        "NPH 20 units twice daily",
        ("insulin isophane",),
        ("insulin-intermediate",),
        dose=Dose(20, "units"),
        frequency=TWICE,
    )
    ctx = context(line)
    assert [a.due for a in actions(ctx, ActionCode.ADJUST_DOSE)] == [at("2026-12-14T08:00:00-08:00")]
    assert flags(ctx, FlagCode.NO_VERIFIED_VALUE)
    # The morning dose is still proposed: the line is adjusted, signed as one insulin plan.
    assert plan_diabetes(ctx).dispositions[0] is Disposition.ADJUST


def test_it_sends_bedtime_only_nph_to_a_clinician() -> None:
    line = med(
        "NPH 12 units at bedtime",
        ("insulin isophane",),
        ("insulin-intermediate",),
        dose=Dose(12, "units"),
        frequency=BEDTIME,
    )
    ctx = context(line)
    assert not actions(ctx, ActionCode.ADJUST_DOSE)
    assert plan_diabetes(ctx).dispositions[0] is Disposition.REVIEW


def test_it_computes_the_intermediate_part_of_premixed_insulin_for_the_clinician() -> None:
    line = med(
        "Humulin 70/30 40 units before breakfast",
        ("insulin isophane/regular 70/30",),
        ("insulin-premixed",),
        dose=Dose(40, "units"),
        frequency=MORNING,
    )
    ctx = context(line)
    (adjust,) = actions(ctx, ActionCode.ADJUST_DOSE)
    assert adjust.due == at("2026-12-14T08:00:00-08:00")
    assert "units" not in adjust.text.en  # the amount comes from the care team
    (flag,) = flags(ctx, FlagCode.INSULIN_DOSE_ADJUSTMENT)
    # 70% of 40 = 28 units intermediate; 50-75% of 28 = 14 to 21
    assert "(28 units) = 14 to 21 units" in flag.text.en


def test_it_holds_mealtime_insulin_while_fasting() -> None:
    line = med("Humalog sliding scale with meals", ("insulin lispro",), ("insulin-prandial",))
    (adjust,) = actions(context(line), ActionCode.ADJUST_DOSE)
    assert adjust.due == at("2026-12-14T00:00:00-08:00")
    assert adjust.requires_review
    assert adjust.rule == "samba2010.insulin-prandial"


def test_it_keeps_an_insulin_pump_on_its_basal_rate() -> None:
    line = med("insulin pump", ("insulin pump",), ("insulin-pump",))
    (adjust,) = actions(context(line), ActionCode.ADJUST_DOSE)
    assert adjust.rule == "samba2010.insulin-pump"
    assert "basal rate" in adjust.text.en


def test_it_fails_closed_on_degludec() -> None:
    line = med(
        "Tresiba 24 units daily",
        ("insulin degludec",),
        ("insulin-ultra-long-acting",),
        dose=Dose(24, "units"),
        frequency=DAILY,
    )
    ctx = context(line)
    assert not actions(ctx, ActionCode.ADJUST_DOSE)
    (flag,) = flags(ctx, FlagCode.NO_VERIFIED_VALUE)
    assert flag.rule == "samba2010.insulin-no-verified-value"
    assert actions(ctx, ActionCode.CONSULT_PRESCRIBER)
    assert flags(ctx, FlagCode.INSULIN_DOSE_ADJUSTMENT)
    assert plan_diabetes(ctx).dispositions[0] is Disposition.REVIEW


def test_it_sends_a_fixed_ratio_insulin_glp1_pen_to_a_clinician() -> None:
    line = med(
        "Soliqua 30 units daily",
        ("insulin glargine", "lixisenatide"),
        ("insulin-long-acting", "glp1-receptor-agonist"),
        dose=Dose(30, "units"),
        frequency=DAILY,
    )
    ctx = context(line)
    assert not actions(ctx, ActionCode.ADJUST_DOSE)
    assert not actions(ctx, ActionCode.CONTINUE_MEDICATION)
    assert flags(ctx, FlagCode.NO_VERIFIED_VALUE)
    assert flags(ctx, FlagCode.GLP1_ASPIRATION_RISK)


def test_it_checks_glucose_every_2_to_4_hours_on_insulin_or_a_sulfonylurea() -> None:
    for line in (LANTUS, GLIPIZIDE):
        (check,) = actions(context(line), ActionCode.CHECK_BLOOD_GLUCOSE)
        assert check.due == at("2026-12-14T00:00:00-08:00")
        assert "every 2 to 4 hours" in check.text.en
    assert not actions(context(METFORMIN, labs={"egfr": 70}), ActionCode.CHECK_BLOOD_GLUCOSE)


def test_it_holds_a_sulfonylurea_on_the_morning_of_the_procedure() -> None:
    ctx = context(GLIPIZIDE)
    (stop,) = actions(ctx, ActionCode.STOP_MEDICATION)
    assert stop.due == at("2026-12-14T00:00:00-08:00")
    assert stop.last_dose_date is not None and stop.last_dose_date.isoformat() == "2026-12-13"
    assert stop.requires_review
    assert stop.rule == "ada2024.oral-agents-morning"
    (resume,) = actions(ctx, ActionCode.RESUME_MEDICATION)
    assert "eating and drinking as usual" in resume.text.en
    assert plan_diabetes(ctx).dispositions == {0: Disposition.STOP}


def test_it_holds_a_combination_tablet_once() -> None:
    line = med(
        "Janumet 50/1000 BID", ("sitagliptin", "metformin"), ("dpp4-inhibitor", "biguanide"), frequency=TWICE
    )
    (stop,) = actions(context(line, labs={"egfr": 80}), ActionCode.STOP_MEDICATION)
    assert stop.drug == "sitagliptin/metformin"
    assert stop.due == at("2026-12-14T00:00:00-08:00")


def test_it_leaves_metformin_alone_after_contrast_when_egfr_is_30_or_more() -> None:
    ctx = context(METFORMIN, labs={"egfr": 30})
    assert not actions(ctx, ActionCode.HOLD_AFTER_PROCEDURE)
    assert not flags(ctx, FlagCode.METFORMIN_CONTRAST)
    assert actions(ctx, ActionCode.STOP_MEDICATION)  # the ADA day-of hold still applies


def test_it_holds_metformin_48_hours_after_contrast_when_egfr_is_below_30() -> None:
    ctx = context(METFORMIN, labs={"egfr": 29})
    (hold,) = actions(ctx, ActionCode.HOLD_AFTER_PROCEDURE)
    assert hold.drug == "metformin"
    assert hold.due == at("2026-12-14T09:00:00-08:00")  # from the end of the procedure
    assert hold.rule == "acr-cm.metformin-contrast"
    assert hold.requires_review
    assert "48 hours" in hold.text.en
    # One level planned as one hour: the procedure ends 09:00, so restart not before Wednesday 09:00.
    assert "Wednesday 16 December at 9:00 AM" in hold.text.en
    (flag,) = flags(ctx, FlagCode.METFORMIN_CONTRAST)
    assert flag.severity is Severity.HIGH
    assert not actions(ctx, ActionCode.RESUME_MEDICATION)  # restart waits for the kidney test


def test_it_holds_metformin_after_contrast_with_acute_kidney_injury() -> None:
    ctx = context(METFORMIN, labs={"egfr": 65}, patient={"acute_kidney_injury": True})
    assert actions(ctx, ActionCode.HOLD_AFTER_PROCEDURE)


def test_it_asks_for_egfr_when_metformin_meets_contrast_without_one() -> None:
    ctx = context(METFORMIN)
    (flag,) = flags(ctx, FlagCode.RENAL_FUNCTION_NEEDED)
    assert flag.drug == "metformin"
    assert not actions(ctx, ActionCode.HOLD_AFTER_PROCEDURE)


def test_it_follows_fda_2016_when_the_practice_chooses_it() -> None:
    fda = {"metformin": "fda-2016"}
    (hold,) = actions(context(METFORMIN, labs={"egfr": 45}, policies=fda), ActionCode.HOLD_AFTER_PROCEDURE)
    assert hold.rule == "fda2016.metformin-contrast"
    assert actions(
        context(METFORMIN, labs={"egfr": 75}, patient={"heart_failure": True}, policies=fda),
        ActionCode.HOLD_AFTER_PROCEDURE,
    )
    assert not actions(context(METFORMIN, labs={"egfr": 75}, policies=fda), ActionCode.HOLD_AFTER_PROCEDURE)


def test_it_stops_empagliflozin_3_days_before() -> None:
    line = med("Jardiance 10 mg daily", ("empagliflozin",), ("sglt2-inhibitor",), frequency=DAILY)
    ctx = context(line)
    (stop,) = actions(ctx, ActionCode.STOP_MEDICATION)
    # No dose on Fri 11, Sat 12, Sun 13 nor Mon 14: last dose Thursday 10.
    assert stop.due == at("2026-12-11T00:00:00-08:00")
    assert stop.last_dose_date is not None and stop.last_dose_date.isoformat() == "2026-12-10"
    assert stop.rule == "fda-sglt2.canagliflozin-dapagliflozin-empagliflozin"
    assert "06/2026" in stop.guideline


def test_it_stops_ertugliflozin_4_days_before() -> None:
    line = med("Steglatro 5 mg", ("ertugliflozin",), ("sglt2-inhibitor",))
    (stop,) = actions(context(line), ActionCode.STOP_MEDICATION)
    assert stop.due == at("2026-12-10T00:00:00-08:00")


def test_it_fails_closed_on_sotagliflozin() -> None:
    line = med("Inpefa 200 mg daily", ("sotagliflozin",), ("sglt2-inhibitor",))
    ctx = context(line)
    assert not actions(ctx, ActionCode.STOP_MEDICATION)
    assert flags(ctx, FlagCode.NO_VERIFIED_VALUE)[0].rule == "fda-sglt2.no-verified-value"


def test_it_uses_the_longest_hold_for_an_sglt2_metformin_tablet() -> None:
    line = med(
        "Synjardy 12.5/1000 BID",
        ("empagliflozin", "metformin"),
        ("sglt2-inhibitor", "biguanide"),
        frequency=TWICE,
    )
    ctx = context(line, labs={"egfr": 25})
    (stop,) = actions(ctx, ActionCode.STOP_MEDICATION)
    assert stop.drug == "empagliflozin/metformin"
    assert stop.due == at("2026-12-11T00:00:00-08:00")
    (hold,) = actions(ctx, ActionCode.HOLD_AFTER_PROCEDURE)
    assert hold.drug == "empagliflozin/metformin"


def test_it_flags_a_hold_that_should_already_have_started() -> None:
    line = med("Farxiga 10 mg", ("dapagliflozin",), ("sglt2-inhibitor",))
    ctx = context(line, as_of="2026-12-12T10:00:00-08:00")
    (late,) = flags(ctx, FlagCode.INSUFFICIENT_LEAD_TIME)
    assert late.drug == "dapagliflozin"


SEMAGLUTIDE = med(
    "Ozempic 1 mg weekly",
    ("semaglutide",),
    ("glp1-receptor-agonist",),
    dose=Dose(1, "mg"),
    frequency=WEEKLY,
    route="subcutaneous",
    brand="Ozempic",
)
LIRAGLUTIDE = med(
    "Victoza 1.2 mg daily",
    ("liraglutide",),
    ("glp1-receptor-agonist",),
    dose=Dose(1.2, "mg"),
    frequency=DAILY,
    route="subcutaneous",
)


def test_it_continues_a_weekly_glp1_with_clear_liquids_for_a_day() -> None:
    ctx = context(SEMAGLUTIDE)
    assert actions(ctx, ActionCode.CONTINUE_MEDICATION)
    (liquids,) = actions(ctx, ActionCode.CLEAR_LIQUID_DIET)
    assert liquids.due == at("2026-12-13T08:00:00-08:00")
    assert liquids.rule == "multi-glp1-2024.continue"
    (flag,) = flags(ctx, FlagCode.GLP1_ASPIRATION_RISK)
    assert flag.severity is Severity.HIGH
    assert not actions(ctx, ActionCode.STOP_MEDICATION)
    assert plan_diabetes(ctx).dispositions == {0: Disposition.CONTINUE}


def test_it_continues_a_daily_glp1_with_only_a_flag() -> None:
    ctx = context(LIRAGLUTIDE)
    assert not actions(ctx, ActionCode.CLEAR_LIQUID_DIET)
    (flag,) = flags(ctx, FlagCode.GLP1_ASPIRATION_RISK)
    assert flag.severity is Severity.MEDIUM


def test_it_treats_dose_escalation_as_higher_risk() -> None:
    line = med(
        "Victoza 1.8 mg daily, increasing dose", ("liraglutide",), ("glp1-receptor-agonist",), frequency=DAILY
    )
    assert actions(context(line), ActionCode.CLEAR_LIQUID_DIET)


def test_it_suggests_deferring_with_gi_symptoms_on_a_glp1() -> None:
    ctx = context(LIRAGLUTIDE, patient={"gi_symptoms": True})
    assert actions(ctx, ActionCode.CLEAR_LIQUID_DIET)
    assert any("deferring" in f.text.en for f in flags(ctx, FlagCode.GLP1_ASPIRATION_RISK))


def test_it_assumes_weekly_when_a_glp1_pen_frequency_is_unknown() -> None:
    line = med("exenatide", ("exenatide",), ("glp1-receptor-agonist",), route="subcutaneous")
    ctx = context(line)
    assert actions(ctx, ActionCode.CLEAR_LIQUID_DIET)
    assert flags(ctx, FlagCode.DOSE_OR_FREQUENCY_UNCLEAR)


def test_it_holds_glp1s_under_the_asa_2023_policy() -> None:
    asa = {"glp1": "asa-2023"}
    (weekly,) = actions(context(SEMAGLUTIDE, policies=asa), ActionCode.STOP_MEDICATION)
    # 7 days: no dose Mon 7 .. Mon 14, last dose allowed Sunday 6 December.
    assert weekly.due == at("2026-12-07T00:00:00-08:00")
    assert weekly.rule == "asa-glp1-2023.hold"
    (daily,) = actions(context(LIRAGLUTIDE, policies=asa), ActionCode.STOP_MEDICATION)
    assert daily.due == at("2026-12-14T00:00:00-08:00")
    assert flags(context(LIRAGLUTIDE, policies=asa), FlagCode.GLP1_ASPIRATION_RISK)


def test_it_ignores_unrecognised_lines_and_other_medicines() -> None:
    other = med("atorvastatin 40 mg", ("atorvastatin",), ("statin",))
    unknown = RecognizedMedication(input="blue pill", recognized=False)
    result = plan_diabetes(context(other, unknown))
    assert not result.actions and not result.flags and not result.dispositions


def test_it_plans_the_pump_not_the_insulin_inside_it() -> None:
    line = med(
        "insulin pump with Humalog", ("insulin pump", "insulin lispro"), ("insulin-pump", "insulin-prandial")
    )
    (adjust,) = actions(context(line), ActionCode.ADJUST_DOSE)
    assert adjust.rule == "samba2010.insulin-pump"
