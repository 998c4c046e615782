"""Preparation every patient gets: fasting, smoking, escort, medicine list, labs,
and the lines nobody recognised."""

from __future__ import annotations

from datetime import time

from kyphoplan.clinical.context import Contribution, PlanContext
from kyphoplan.clinical.facts import FastingPolicy, Sedation
from kyphoplan.clinical.model import ActionCode, Audience, Disposition, FlagCode, Severity
from kyphoplan.clinical.wording import join, say

# Sedation levels after which the patient may not leave alone (CMS-ASC).
_SEDATED = {Sedation.MINIMAL, Sedation.MODERATE, Sedation.DEEP, Sedation.GENERAL}
_EVENING_BEFORE = time(18, 0)


def _fasting(ctx: PlanContext, out: Contribution) -> None:
    if ctx.facts.policies.fasting is FastingPolicy.MIDNIGHT:
        rule = ctx.rules["source.fasting-midnight"]
        due = ctx.midnight(ctx.procedure_day)
        out.act(ActionCode.FASTING_START, rule, say("general.fasting.midnight", due=due.date()), due=due)
        return
    rule = ctx.rules["asa-fast.fasting"]
    solids = ctx.hours_before(rule.number("fatty_meal_hours"))
    light = ctx.hours_before(rule.number("light_meal_hours"))
    clear = ctx.hours_before(rule.number("clear_liquid_hours"))
    out.act(
        ActionCode.FASTING_START,
        rule,
        say("general.fasting.asa", fatty=solids, light=light),
        due=light,
    )
    out.act(ActionCode.CLEAR_LIQUIDS_UNTIL, rule, say("general.fasting.clear", due=clear), due=clear)


def _smoking(ctx: PlanContext, out: Contribution) -> None:
    smoker = ctx.facts.patient.smoker
    if smoker is False:
        return
    rule = ctx.rules["source.no-smoking"]
    due = ctx.hours_before(rule.number("hours"))
    key = "general.smoking" if smoker else "general.smoking.if-you-smoke"
    out.act(ActionCode.NO_SMOKING_START, rule, say(key, due=due), due=due)


def _escort(ctx: PlanContext, out: Contribution) -> None:
    if ctx.facts.procedure.sedation not in _SEDATED:
        return
    rule = ctx.rules["cms-asc.escort"]
    hours = rule.number("hours_after")
    due = ctx.at(ctx.day(-1), _EVENING_BEFORE)
    out.act(ActionCode.ARRANGE_ESCORT, rule, say("general.escort", due=due.date(), hours=hours), due=due)
    if ctx.facts.patient.has_escort is False:
        out.flag(FlagCode.ESCORT_MISSING, Severity.HIGH, rule, say("general.flag.escort-missing"))


def _medicine_list(ctx: PlanContext, out: Contribution) -> None:
    rule = ctx.rules["source.medication-list"]
    out.act(ActionCode.BRING_MEDICATION_LIST, rule, say("general.medication-list"), due=ctx.start)


def _platelets(ctx: PlanContext, out: Contribution) -> None:
    labs, liver = ctx.facts.labs, ctx.facts.patient.liver_disease
    rule = ctx.rules["sir2019.platelet-check"]
    # Chronic liver disease has its own threshold (SIR 2019, transcription only).
    minimum = (
        ctx.rules["sir2019.inr-check"].number("liver_platelets_above")
        if liver
        else rule.number("platelets_min")
    )
    value = labs.platelets_10e9_per_l
    if value is None:
        key, severity = "general.flag.platelets-needed", Severity.MEDIUM
    elif value < minimum or (liver and value <= minimum):
        key, severity = "general.flag.platelets-low", Severity.HIGH
    else:
        # Always listed: a high-bleeding-risk procedure needs a platelet count.
        key, severity = "general.flag.platelets-ok", Severity.LOW
    out.flag(FlagCode.PLATELET_CHECK, severity, rule, say(key, value=value or 0.0, minimum=minimum))


def _inr(ctx: PlanContext, out: Contribution, so_far: Contribution) -> None:
    labs, liver = ctx.facts.labs, ctx.facts.patient.liver_disease
    rule = ctx.rules["sir2019.inr-check"]
    low, high = rule.span("inr_max")
    vka_lines = [m for m in ctx.medications if "vitamin-k-antagonist" in m.classes]
    if vka_lines:
        # On a vitamin K antagonist a high INR is expected now. Each such drug
        # needs its INR checked before the procedure; its own rule may already say so.
        checked = {f.drug for f in so_far.flags if f.code is FlagCode.INR_CHECK}
        for med in vka_lines:
            for drug, drug_class in zip(med.ingredients, med.classes, strict=True):
                if drug_class == "vitamin-k-antagonist" and drug not in checked:
                    checked.add(drug)
                    text = (
                        say("general.flag.inr-vka", drug=drug, high=high)
                        if labs.inr is None
                        else say("general.flag.inr-vka-value", drug=drug, value=labs.inr, high=high)
                    )
                    out.flag(FlagCode.INR_CHECK, Severity.HIGH, rule, text, drug=drug)
        return
    if liver:
        limit = rule.number("liver_inr_below")
        out.flag(
            FlagCode.INR_CHECK,
            Severity.HIGH,
            rule,
            say("general.flag.liver", inr=limit, platelets=rule.number("liver_platelets_above")),
        )
        if labs.inr is not None and labs.inr >= limit:
            out.flag(
                FlagCode.LAB_OUT_OF_RANGE,
                Severity.HIGH,
                rule,
                say("general.flag.inr-high-liver", value=labs.inr, limit=limit),
            )
        return
    if labs.inr is None:
        # SIR 2019: INR routinely for high-bleeding-risk procedures.
        out.flag(
            FlagCode.INR_CHECK, Severity.MEDIUM, rule, say("general.flag.inr-needed", low=low, high=high)
        )
    elif labs.inr > high:
        out.flag(
            FlagCode.LAB_OUT_OF_RANGE,
            Severity.HIGH,
            rule,
            say("general.flag.inr-high", value=labs.inr, low=low, high=high),
        )


def _unrecognised(ctx: PlanContext, out: Contribution) -> None:
    due = ctx.consult_due()
    for index, med in enumerate(ctx.medications):
        if med.recognized:
            continue
        # The patient's own doubt ("not sure if it thins the blood") is the
        # source document's case: ask the prescriber at least a week before.
        rule = ctx.rules[
            "source.unknown-medicine" if med.patient_unsure else "source.unrecognized-medication"
        ]
        out.flag(
            FlagCode.UNRECOGNIZED_MEDICATION,
            Severity.HIGH,
            rule,
            say("general.flag.unrecognized", input=med.input),
            input=med.input,
        )
        out.act(
            ActionCode.CONSULT_PRESCRIBER,
            rule,
            say("general.consult.unrecognized", input=med.input, due=due.date()),
            due=due,
            review=True,
        )
        out.decide(index, Disposition.REVIEW)


def _ordinary(ctx: PlanContext, out: Contribution, handled: set[int]) -> None:
    """Recognised lines no rule touched: the patient keeps taking them."""
    rule = ctx.rules["source.continue-usual-medicines"]
    for index, med in enumerate(ctx.medications):
        if med.recognized and index not in handled:
            out.decide(index, Disposition.CONTINUE)
    kept = [m for i, m in enumerate(ctx.medications) if m.recognized and i not in handled]
    if kept:
        shown = list(dict.fromkeys(ctx.display_name(m, "/".join(m.ingredients)) for m in kept))
        names = join(shown, ", ")
        out.act(
            ActionCode.CONTINUE_MEDICATION,
            rule,
            say("general.continue-others", names=names),
            due=None,
            audience=Audience.PATIENT,
            review=True,
        )


def plan_general(ctx: PlanContext, so_far: Contribution) -> Contribution:
    """`so_far`: what the other areas decided (lines handled, flags raised)."""
    handled = set(so_far.dispositions)
    out = Contribution()
    _fasting(ctx, out)
    _smoking(ctx, out)
    _escort(ctx, out)
    _medicine_list(ctx, out)
    _platelets(ctx, out)
    _inr(ctx, out, so_far)
    _unrecognised(ctx, out)
    _ordinary(ctx, out, handled | {i for i, m in enumerate(ctx.medications) if not m.recognized})
    return out
