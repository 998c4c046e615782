"""Diabetes medicines before the procedure (REFERENCE.md §7 and §9).

Oral agents and metformin are held on the procedure day (ADA 2024), SGLT2
inhibitors days before (FDA 2020), GLP-1 receptor agonists follow the
practice's policy, metformin after contrast follows the metformin policy, and
insulin is planned in `insulin.py`. Every hold is a proposal a clinician
reviews; numbers come from `data/preparation/diabetes.json`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kyphoplan.clinical.antithrombotic import procedure_end
from kyphoplan.clinical.context import Contribution, PlanContext
from kyphoplan.clinical.facts import Glp1Policy, MetforminPolicy
from kyphoplan.clinical.insulin import INSULIN_CLASSES, plan_insulin_line
from kyphoplan.clinical.model import (
    ActionCode,
    Disposition,
    FlagCode,
    LocalText,
    RecognizedMedication,
    Severity,
)
from kyphoplan.clinical.preparation import PreparationRule
from kyphoplan.clinical.timing import hold_for_days
from kyphoplan.clinical.wording import join, say

ORAL_RULE = "ada2024.oral-agents-morning"
SGLT2_RULES = (
    "fda-sglt2.canagliflozin-dapagliflozin-empagliflozin",
    "fda-sglt2.ertugliflozin",
    "fda-sglt2.no-verified-value",
)
GLP1 = "glp1-receptor-agonist"
MONITOR_RULE = "samba2010.glucose-monitoring"
_METFORMIN_RULES = {
    MetforminPolicy.ACR: "acr-cm.metformin-contrast",
    MetforminPolicy.FDA_2016: "fda2016.metformin-contrast",
}
_GLP1_RULES = {
    Glp1Policy.MULTISOCIETY_2024: "multi-glp1-2024.continue",
    Glp1Policy.ASA_2023: "asa-glp1-2023.hold",
}


# Ingredients and classes planned here whatever the rules name (insulin, GLP-1,
# SGLT2 and metformin are recognised by class or name in the code below).
_ALWAYS_NAMED = INSULIN_CLASSES | {GLP1, "sglt2-inhibitor", "metformin", "biguanide"}


@dataclass(frozen=True)
class Hold:
    rule: PreparationRule
    days: int
    drug: str


def _is_metformin(ingredient: str, drug_class: str) -> bool:
    return ingredient == "metformin" or drug_class == "biguanide"


def _holds_for_line(ctx: PlanContext, out: Contribution, med: RecognizedMedication, index: int) -> list[Hold]:
    """Oral agents and SGLT2 inhibitors of one line; unverified SGLT2s go to a clinician."""
    oral = ctx.rules[ORAL_RULE]
    holds: list[Hold] = []
    for ingredient, drug_class in zip(med.ingredients, med.classes, strict=True):
        if drug_class == "sglt2-inhibitor" or any(
            ingredient in ctx.rules[r].ingredients for r in SGLT2_RULES
        ):
            rule = _sglt2_rule(ctx, ingredient)
            if rule.status != "verified":
                _no_value(ctx, out, rule, med, ingredient, index)
                continue
            holds.append(Hold(rule, int(rule.number("hold_days")), ingredient))
        elif oral.applies_to(ingredient, drug_class):
            holds.append(Hold(oral, int(oral.number("hold_days")), ingredient))
    return holds


def _sglt2_rule(ctx: PlanContext, ingredient: str) -> PreparationRule:
    for rule_id in SGLT2_RULES:
        if ingredient in ctx.rules[rule_id].ingredients:
            return ctx.rules[rule_id]
    return ctx.rules[SGLT2_RULES[-1]]  # any other SGLT2 inhibitor: no verified value


def _no_value(
    ctx: PlanContext,
    out: Contribution,
    rule: PreparationRule,
    med: RecognizedMedication,
    drug: str,
    index: int,
) -> None:
    out.flag(
        FlagCode.NO_VERIFIED_VALUE,
        Severity.HIGH,
        rule,
        say("diabetes.flag.no-value", drug=drug, rule=rule.id),
        drug=drug,
        input=med.input,
    )
    due = ctx.consult_due()
    out.act(
        ActionCode.CONSULT_PRESCRIBER,
        rule,
        say("diabetes.consult.no-value", drug=ctx.display_name(med, drug), due=due.date()),
        due=due,
        drug=drug,
        review=True,
    )
    out.decide(index, Disposition.REVIEW)


def _stop(
    ctx: PlanContext,
    out: Contribution,
    med: RecognizedMedication,
    index: int,
    holds: list[Hold],
    resume: bool,
    weekly: bool = False,
) -> None:
    """One stop per line: a tablet cannot be split, so the longest hold wins."""
    longest = max(holds, key=lambda h: h.days)
    drug = "/".join(dict.fromkeys(h.drug for h in holds))
    name = ctx.display_name(med, drug)
    window = hold_for_days(ctx.start, longest.days, ctx.facts.zone)
    if ctx.is_past(window.starts):
        # Too late for the planned hold (flagged by _lead_time): never a "last dose" on a day gone.
        text = say("general.stop.late", drug=name, procedure_day=ctx.procedure_day)
    elif weekly:
        # A weekly dose has its own weekday: name the days to skip, not a "last dose" date.
        text = say("diabetes.stop.weekly", drug=name, first_day=window.starts.date())
    elif longest.days == 0:
        text = say("diabetes.stop.day-of", drug=name, day=ctx.procedure_day, last_day=window.last_dose_date)
    else:
        text = say(
            "diabetes.stop.days",
            drug=name,
            last_day=window.last_dose_date,
            first_day=window.starts.date(),
        )
    out.act(
        ActionCode.STOP_MEDICATION,
        longest.rule,
        text,
        due=window.starts,
        drug=drug,
        last_dose_date=window.last_dose_date,
        review=True,
    )
    if resume:
        out.act(
            ActionCode.RESUME_MEDICATION,
            longest.rule,
            say("diabetes.resume.eating", drug=name),
            due=None,
            drug=drug,
            review=True,
        )
    _lead_time(ctx, out, longest.rule, drug, window.starts)
    out.decide(index, Disposition.STOP)


def _lead_time(
    ctx: PlanContext, out: Contribution, rule: PreparationRule, drug: str, starts: datetime
) -> None:
    if ctx.is_past(starts):
        out.flag(
            FlagCode.INSUFFICIENT_LEAD_TIME,
            Severity.HIGH,
            rule,
            say("diabetes.flag.lead-time", drug=drug, due=starts),
            drug=drug,
        )


def _metformin_reasons(ctx: PlanContext, rule: PreparationRule) -> list[LocalText]:
    """Why metformin must be held after contrast under the practice's policy (empty: no change)."""
    labs, patient = ctx.facts.labs, ctx.facts.patient
    reasons: list[LocalText] = []
    if patient.acute_kidney_injury:
        reasons.append(say("diabetes.reason.aki"))
    if ctx.facts.policies.metformin is MetforminPolicy.ACR:
        threshold = rule.number("egfr_min")
        if labs.egfr is not None and labs.egfr < threshold:
            reasons.append(say("diabetes.reason.egfr", egfr=labs.egfr, threshold=threshold))
        return reasons
    threshold = rule.number("egfr_hold_below")
    if labs.egfr is not None and labs.egfr < threshold:
        reasons.append(say("diabetes.reason.egfr", egfr=labs.egfr, threshold=threshold))
    for present, key in (
        (patient.liver_disease, "diabetes.reason.liver"),
        (patient.alcohol_excess, "diabetes.reason.alcohol"),
        (patient.heart_failure, "diabetes.reason.heart-failure"),
    ):
        if present:
            reasons.append(say(key))
    return reasons


def _metformin_contrast(ctx: PlanContext, out: Contribution, med: RecognizedMedication, drug: str) -> bool:
    """Post-contrast metformin hold (§9). True when a hold was planned."""
    rule = ctx.rules[_METFORMIN_RULES[ctx.facts.policies.metformin]]
    reasons = _metformin_reasons(ctx, rule)
    if ctx.facts.labs.egfr is None:
        out.flag(
            FlagCode.RENAL_FUNCTION_NEEDED,
            Severity.HIGH if reasons else Severity.MEDIUM,
            rule,
            say("diabetes.flag.metformin-egfr-needed", drug=drug),
            drug=drug,
            input=med.input,
        )
    if not reasons:
        return False
    hours = rule.number("hold_hours_after")
    # The hold runs from the end of the procedure (when the contrast has been given).
    end = procedure_end(ctx.facts.procedure)
    earliest = ctx.hours_after(end, hours)
    name = ctx.display_name(med, drug)
    out.act(
        ActionCode.HOLD_AFTER_PROCEDURE,
        rule,
        say("diabetes.metformin.hold-after", drug=name, hours=hours, earliest=earliest),
        due=end,
        drug=drug,
        review=True,
    )
    why = join(reasons, "; ")
    key = (
        "diabetes.flag.metformin-acr"
        if ctx.facts.policies.metformin is MetforminPolicy.ACR
        else "diabetes.flag.metformin-fda"
    )
    out.flag(
        FlagCode.METFORMIN_CONTRAST,
        Severity.HIGH,
        rule,
        say(key, drug=drug, why=why, hours=hours),
        drug=drug,
        input=med.input,
    )
    return True


def _weekly(rule: PreparationRule, med: RecognizedMedication, ingredient: str) -> tuple[bool, bool]:
    """(weekly, assumed). Frequency not stated: the product's usual form decides, and a
    drug sold both ways is assumed weekly (the higher-risk reading) and flagged."""
    freq = med.frequency
    if freq is not None and (freq.weekly or (freq.per_day is not None and freq.per_day < 1)):
        return True, False
    if freq is not None and freq.per_day is not None:
        return False, False
    # Oral forms (semaglutide tablets) are daily; the pens of the same drug weekly.
    if med.route == "oral" or ingredient in rule.params.get("usually_daily", ()):
        return False, False
    if ingredient in rule.params.get("usually_weekly", ()):
        return True, False
    return True, True


def _escalating(rule: PreparationRule, med: RecognizedMedication) -> bool:
    words = rule.params.get("escalation_words", ())
    line = med.input.lower()
    return any(word in line for word in words)


def _glp1(
    ctx: PlanContext,
    out: Contribution,
    med: RecognizedMedication,
    ingredient: str,
    index: int,
    with_insulin: bool,
) -> None:
    policy = ctx.facts.policies.glp1
    rule = ctx.rules[_GLP1_RULES[policy]]
    weekly, assumed = _weekly(rule, med, ingredient)
    name = ctx.display_name(med, ingredient)
    if assumed:
        out.flag(
            FlagCode.DOSE_OR_FREQUENCY_UNCLEAR,
            Severity.MEDIUM,
            rule,
            say("diabetes.flag.glp1-frequency-assumed", drug=ingredient),
            drug=ingredient,
            input=med.input,
        )
    gi = ctx.facts.patient.gi_symptoms
    reasons: list[LocalText] = []
    if weekly:
        reasons.append(say("diabetes.reason.weekly"))
    if _escalating(rule, med):
        reasons.append(say("diabetes.reason.escalation"))
    if gi:
        reasons.append(say("diabetes.reason.gi"))
    why = join(reasons, "; ")
    if policy is Glp1Policy.ASA_2023:
        out.flag(
            FlagCode.GLP1_ASPIRATION_RISK,
            Severity.MEDIUM,
            rule,
            say("diabetes.flag.glp1-asa", drug=ingredient),
            drug=ingredient,
            input=med.input,
        )
        if not with_insulin:
            days = int(rule.number("weekly_hold_days" if weekly else "daily_hold_days"))
            _stop(ctx, out, med, index, [Hold(rule, days, ingredient)], resume=True, weekly=weekly)
        return
    hours = rule.number("clear_liquid_hours")
    key = "diabetes.flag.glp1-higher-risk" if reasons else "diabetes.flag.glp1-continue"
    out.flag(
        FlagCode.GLP1_ASPIRATION_RISK,
        Severity.HIGH if reasons else Severity.MEDIUM,
        rule,
        say(key, drug=ingredient, why=why, hours=hours),
        drug=ingredient,
        input=med.input,
    )
    if gi:
        out.flag(
            FlagCode.GLP1_ASPIRATION_RISK,
            Severity.HIGH,
            rule,
            say("diabetes.flag.glp1-defer", drug=ingredient),
            drug=ingredient,
            input=med.input,
        )
    if with_insulin:
        return  # the pen is planned (by a clinician) with its insulin
    out.act(
        ActionCode.CONTINUE_MEDICATION,
        rule,
        say("diabetes.glp1.continue", drug=name),
        due=None,
        drug=ingredient,
        review=True,
    )
    if reasons:
        due = ctx.hours_before(hours)
        out.act(
            ActionCode.CLEAR_LIQUID_DIET,
            rule,
            say("diabetes.glp1.clear-liquids", due=due, hours=hours),
            due=due,
            drug=ingredient,
            review=True,
        )
        _lead_time(ctx, out, rule, ingredient, due)
    out.decide(index, Disposition.CONTINUE)


def _needs_monitoring(ctx: PlanContext) -> bool:
    rule = ctx.rules[MONITOR_RULE]
    return any(
        rule.applies_to(ingredient, drug_class)
        for med in ctx.medications
        if med.recognized
        for ingredient, drug_class in zip(med.ingredients, med.classes, strict=True)
    )


def plan_diabetes(ctx: PlanContext) -> Contribution:
    out = Contribution()
    # Most lines (statins, thyroid...) name nothing this area plans: skip them early.
    named = ctx.rules.named(ORAL_RULE, *SGLT2_RULES) | _ALWAYS_NAMED
    for index, med in enumerate(ctx.medications):
        if not med.recognized or (named.isdisjoint(med.ingredients) and named.isdisjoint(med.classes)):
            continue
        with_insulin = plan_insulin_line(ctx, out, med, index)
        for ingredient, drug_class in zip(med.ingredients, med.classes, strict=True):
            if drug_class == GLP1:
                _glp1(ctx, out, med, ingredient, index, with_insulin)
        if with_insulin:
            continue
        holds = _holds_for_line(ctx, out, med, index)
        metformin = [i for i, c in zip(med.ingredients, med.classes, strict=True) if _is_metformin(i, c)]
        held_after = False
        if metformin:
            drug = "/".join(h.drug for h in holds) if holds else metformin[0]
            held_after = _metformin_contrast(ctx, out, med, drug)
        if holds:
            # After a post-contrast hold the restart waits for the kidney test instead.
            _stop(ctx, out, med, index, holds, resume=not held_after)
    if _needs_monitoring(ctx):
        rule = ctx.rules[MONITOR_RULE]
        low, high = rule.span("interval_hours")
        out.act(
            ActionCode.CHECK_BLOOD_GLUCOSE,
            rule,
            say("diabetes.glucose-checks", low=low, high=high, day=ctx.procedure_day),
            due=ctx.midnight(ctx.procedure_day),
        )
    return out
