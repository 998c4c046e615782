"""Insulin before the procedure (REFERENCE.md §7, SAMBA 2010 and ADA 2024).

Every insulin change is a proposal: an `adjust-dose` action with
requires_review=True and one `insulin-dose-adjustment` flag per line, so a
clinician signs the numbers before the patient sees them as instructions.
The percentages come from the rule params; this module only finds which dose
of the usual schedule they apply to (the evening before, or the morning of the
procedure) and turns them into units, rounded down.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum

from kyphoplan.clinical.context import Contribution, PlanContext
from kyphoplan.clinical.model import (
    ActionCode,
    Disposition,
    FlagCode,
    LocalText,
    RecognizedMedication,
    Severity,
)
from kyphoplan.clinical.preparation import PreparationRule
from kyphoplan.clinical.timing import EVENING, MORNING, dosing_times, instant
from kyphoplan.clinical.wording import format_clock, join, say

INSULIN_CLASSES = frozenset(
    {
        "insulin-long-acting",
        "insulin-ultra-long-acting",
        "insulin-intermediate",
        "insulin-premixed",
        "insulin-prandial",
        "insulin-pump",
        "insulin-unspecified",
    }
)

# Rule per insulin class; degludec and unstated insulin have no verified value.
_RULE_BY_CLASS = {
    "insulin-long-acting": "samba2010.insulin-long-acting",
    "insulin-intermediate": "ada2024.insulin-nph",
    "insulin-premixed": "samba2010.insulin-premixed",
    "insulin-prandial": "samba2010.insulin-prandial",
    "insulin-pump": "samba2010.insulin-pump",
    "insulin-ultra-long-acting": "samba2010.insulin-no-verified-value",
    "insulin-unspecified": "samba2010.insulin-no-verified-value",
}
NO_VALUE_RULE = "samba2010.insulin-no-verified-value"

# A dose taken from noon on is the one that covers the fasting night, so it is
# the "evening before" dose of the guidelines; a dose before noon is a morning dose.
_NOON = time(12, 0)
# Words of a line that place a once-daily dose when the recogniser gave no clock time.
_EVENING_WORDS = ("bedtime", "evening", "night", "nightly", "qhs", " hs", "noche", "dormir")
_MORNING_WORDS = ("morning", "breakfast", "qam", "mañana", "manana", "desayuno")
# "70/30", "75/25", "50/50": the first number is the intermediate-acting part.
_MIX_RATIO = re.compile(r"\b(\d{2})\s*/\s*(\d{2})\b")


class Slot(StrEnum):
    EVENING_BEFORE = "evening-before"
    MORNING_OF = "morning-of"


@dataclass(frozen=True)
class ScheduledDose:
    slot: Slot
    due: datetime


def insulin_ingredients(med: RecognizedMedication) -> list[tuple[str, str]]:
    return [(i, c) for i, c in zip(med.ingredients, med.classes, strict=True) if c in INSULIN_CLASSES]


def _clock_times(med: RecognizedMedication) -> tuple[tuple[time, ...], bool]:
    """The day's dose times and whether they were assumed (line did not say)."""
    freq = med.frequency
    if freq is not None and freq.times:
        return tuple(sorted(time.fromisoformat(t) for t in freq.times)), False
    once = freq is None or freq.per_day is None or round(freq.per_day) <= 1
    words = f" {(freq.label if freq else '')} {med.input} ".lower()
    if once and any(w in words for w in _EVENING_WORDS):
        return (EVENING,), False
    if once and any(w in words for w in _MORNING_WORDS):
        return (MORNING,), False
    # §6 product default (08:00 once daily, 08:00/20:00 twice daily), flagged.
    return dosing_times(freq, 1), True


def _schedule(ctx: PlanContext, times: tuple[time, ...]) -> list[ScheduledDose]:
    doses: list[ScheduledDose] = []
    for clock in times:
        if clock >= _NOON:
            doses.append(ScheduledDose(Slot.EVENING_BEFORE, ctx.at(ctx.day(-1), clock)))
        else:
            doses.append(ScheduledDose(Slot.MORNING_OF, ctx.at(ctx.procedure_day, clock)))
    return doses


def _units(med: RecognizedMedication) -> float | None:
    dose = med.dose
    if dose is None or dose.amount is None or dose.unit not in ("units", "unit", "u", "iu"):
        return None
    return dose.amount


def _floor(value: float) -> int:
    # Round down (never propose more than the guideline allows); the epsilon keeps
    # 30 x 0.8 = 23.999999... from becoming 23.
    return math.floor(value + 1e-9)


def amount_text(usual: float | None, percent: tuple[float, float]) -> LocalText:
    """ "22 to 24 units" when the usual dose is known, else "75% to 80% of your usual dose"."""
    low, high = percent
    if usual is None:
        if low == high:
            return say("diabetes.percent.one", percent=low)
        return say("diabetes.percent.range", low=low, high=high)
    units_low, units_high = _floor(usual * low / 100), _floor(usual * high / 100)
    if units_low == units_high:
        return say("diabetes.units.one", units=units_low)
    return say("diabetes.units.range", low=units_low, high=units_high)


def _percent_text(percent: tuple[float, float]) -> str:
    low, high = percent
    return f"{low:g}%" if low == high else f"{low:g}-{high:g}%"


def _lead_time(ctx: PlanContext, out: Contribution, rule: PreparationRule, drug: str, due: datetime) -> None:
    if ctx.is_past(due):
        out.flag(
            FlagCode.INSUFFICIENT_LEAD_TIME,
            Severity.HIGH,
            rule,
            say("diabetes.flag.lead-time", drug=drug, due=due),
            drug=drug,
        )


def _assumed_flag(
    ctx: PlanContext,
    out: Contribution,
    rule: PreparationRule,
    med: RecognizedMedication,
    drug: str,
    times: tuple[time, ...],
) -> None:
    clocks = ", ".join(format_clock(ctx.at(ctx.procedure_day, t), ctx.facts.language) for t in times)
    out.flag(
        FlagCode.DOSE_OR_FREQUENCY_UNCLEAR,
        Severity.MEDIUM,
        rule,
        say("diabetes.flag.insulin-time-assumed", drug=drug, times=clocks),
        drug=drug,
        input=med.input,
    )


def _no_value(
    ctx: PlanContext,
    out: Contribution,
    med: RecognizedMedication,
    drug: str,
    index: int,
    why: LocalText,
    whole_line: bool = True,
    dose_due: datetime | None = None,
) -> None:
    """A clinician decides; `whole_line` False when other doses of the line are still
    planned (the line stays "adjust", and its insulin plan is signed as a whole).
    With `dose_due` the patient is asked about that one dose, and never told to
    "keep taking it as usual": another line of the plan changes the same insulin."""
    rule = ctx.rules[NO_VALUE_RULE]
    out.flag(FlagCode.NO_VERIFIED_VALUE, Severity.HIGH, rule, why, drug=drug, input=med.input)
    due = ctx.consult_due()
    name = ctx.display_name(med, drug)
    text = (
        say("diabetes.insulin.consult-dose", drug=name, dose=dose_due, due=due.date())
        if dose_due is not None
        else say("diabetes.insulin.consult", drug=name, due=due.date())
    )
    out.act(
        ActionCode.CONSULT_PRESCRIBER,
        rule,
        text,
        due=due,
        drug=drug,
        review=True,
    )
    if whole_line:
        out.decide(index, Disposition.REVIEW)


def _basal(
    ctx: PlanContext,
    out: Contribution,
    med: RecognizedMedication,
    drug: str,
    index: int,
    rule: PreparationRule,
) -> list[LocalText]:
    """Long-acting, NPH or premixed: one proposal per scheduled dose on the two days."""
    times, assumed = _clock_times(med)
    if assumed:
        _assumed_flag(ctx, out, rule, med, drug, times)
    usual, name = _units(med), ctx.display_name(med, drug)
    premixed = rule.id == "samba2010.insulin-premixed"
    summary: list[LocalText] = []
    proposed = False
    for dose in _schedule(ctx, times):
        if dose.slot is Slot.EVENING_BEFORE and rule.id != "samba2010.insulin-long-acting":
            # NPH and premixed: the sources give no verified evening value.
            summary.append(say("diabetes.flag.part.no-value", due=dose.due))
            why = say("diabetes.flag.insulin-evening-no-value", drug=drug)
            _no_value(ctx, out, med, drug, index, why, whole_line=False, dose_due=dose.due)
            continue
        if premixed and _too_close_to_start(ctx, rule, dose.due):
            # A premix taken at (or just before) the start cannot be timed before the
            # fasting procedure morning at home: left to the clinician (REFERENCE §7).
            figure = _premixed_part(med, drug, usual, rule.span("morning_percent"), dose.due)
            summary.append(say("diabetes.flag.part.premixed-timing", figure=figure))
            why = say("diabetes.flag.premixed-timing", drug=drug, due=dose.due)
            out.flag(FlagCode.NO_VERIFIED_VALUE, Severity.HIGH, rule, why, drug=drug, input=med.input)
            text = say("diabetes.insulin.premixed-team", drug=name, day=dose.due.date())
            out.act(ActionCode.ADJUST_DOSE, rule, text, due=dose.due, drug=drug, review=True)
            proposed = True
            continue
        if dose.slot is Slot.EVENING_BEFORE:
            # SAMBA: the lower end (75%) after hypoglycaemia.
            hypo = ctx.facts.patient.hypoglycemia_history
            percent = rule.span("evening_percent_hypoglycemia" if hypo else "evening_percent")
        else:
            percent = rule.span("morning_percent")
        if premixed:
            text = say("diabetes.insulin.premixed", drug=name, due=dose.due)
            summary.append(_premixed_part(med, drug, usual, percent, dose.due))
        else:
            amount = amount_text(usual, percent)
            text = say("diabetes.insulin.basal", drug=name, due=dose.due, amount=amount)
            summary.append(
                say("diabetes.flag.part", due=dose.due, amount=amount, percent=_percent_text(percent))
            )
        out.act(ActionCode.ADJUST_DOSE, rule, text, due=dose.due, drug=drug, review=True)
        _lead_time(ctx, out, rule, drug, dose.due)
        proposed = True
    if not proposed:
        out.decide(index, Disposition.REVIEW)  # e.g. bedtime-only NPH: nothing verified to propose
    return summary


def _too_close_to_start(ctx: PlanContext, rule: PreparationRule, due: datetime) -> bool:
    latest = ctx.hours_before(rule.number("morning_dose_latest_hours_before_start"))
    return instant(due) > instant(latest)


def _premixed_part(
    med: RecognizedMedication,
    drug: str,
    usual: float | None,
    percent: tuple[float, float],
    due: datetime,
) -> LocalText:
    share = None
    # The knowledge base names the mix ("insulin isophane/regular 70/30", kept in a
    # note when recognition split it into its parts); else the line may.
    for text in (drug, *med.notes, med.input):
        match = _MIX_RATIO.search(text)
        if match and int(match.group(1)) + int(match.group(2)) == 100:
            share = int(match.group(1))
            break
    if usual is None or share is None:
        return say("diabetes.flag.part.premixed-unknown", due=due, percent=_percent_text(percent))
    intermediate = usual * share / 100
    return say(
        "diabetes.flag.part.premixed",
        due=due,
        percent=_percent_text(percent),
        intermediate=f"{intermediate:g}",
        amount=amount_text(intermediate, percent),
    )


def plan_insulin_line(ctx: PlanContext, out: Contribution, med: RecognizedMedication, index: int) -> bool:
    """Plan every insulin ingredient of one line; False if the line has none."""
    found = insulin_ingredients(med)
    if not found:
        return False
    if len(med.ingredients) > len(found):
        # Fixed-ratio insulin + GLP-1 pens: one dial moves both drugs, and no
        # source here covers them, so a clinician decides.
        drug = "/".join(med.ingredients)
        _no_value(ctx, out, med, drug, index, say("diabetes.flag.insulin-combination", drug=drug))
        _approval_flag(ctx, out, ctx.rules[NO_VALUE_RULE], drug, med, [])
        return True
    premixed = [name for name, c in found if c == "insulin-premixed"]
    if len(premixed) > 1:
        # The two parts of one premix ("insulin isophane" + "insulin regular") are one
        # injection: planned once, under the premixed rule.
        found = [("/".join(premixed), "insulin-premixed"), *((n, c) for n, c in found if c != "insulin-premixed")]
    if any(c == "insulin-pump" for _, c in found):
        # "pump with Humalog": the insulin in the pump runs at the basal rate; the
        # mealtime-insulin hold must not also be applied to it.
        found = [(i, c) for i, c in found if c == "insulin-pump"]
    for ingredient, drug_class in found:
        rule = ctx.rules[_RULE_BY_CLASS[drug_class]]
        name = ctx.display_name(med, ingredient)
        summary: list[LocalText] = []
        if rule.id == NO_VALUE_RULE:
            _no_value(
                ctx, out, med, ingredient, index, say("diabetes.flag.insulin-no-value", drug=ingredient)
            )
        elif drug_class == "insulin-prandial":
            due = ctx.midnight(ctx.procedure_day)
            text = say("diabetes.insulin.prandial", drug=name, day=ctx.procedure_day)
            out.act(ActionCode.ADJUST_DOSE, rule, text, due=due, drug=ingredient, review=True)
            summary.append(say("diabetes.flag.part.prandial"))
        elif drug_class == "insulin-pump":
            due = ctx.midnight(ctx.procedure_day)
            text = say("diabetes.insulin.pump", drug=name, day=ctx.procedure_day)
            out.act(ActionCode.ADJUST_DOSE, rule, text, due=due, drug=ingredient, review=True)
            summary.append(say("diabetes.flag.part.pump"))
        else:
            summary = _basal(ctx, out, med, ingredient, index, rule)
        _approval_flag(ctx, out, rule, ingredient, med, summary)
        out.decide(index, Disposition.ADJUST)
    return True


def _approval_flag(
    ctx: PlanContext,
    out: Contribution,
    rule: PreparationRule,
    drug: str,
    med: RecognizedMedication,
    parts: list[LocalText],
) -> None:
    plan = join(parts, "; ")
    if not parts:
        text = say("diabetes.flag.insulin-undecided", drug=drug, input=med.input)
    elif rule.id == "ada2024.insulin-nph":
        # The proposal uses the ADA figure; the clinician sees SAMBA's wider range too.
        samba = _percent_text(rule.span("samba_morning_percent"))
        text = say("diabetes.flag.insulin-nph", drug=drug, plan=plan, samba=samba)
    else:
        text = say("diabetes.flag.insulin", drug=drug, plan=plan)
    out.flag(FlagCode.INSULIN_DOSE_ADJUSTMENT, Severity.HIGH, rule, text, drug=drug, input=med.input)
