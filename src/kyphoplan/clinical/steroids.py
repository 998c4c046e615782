"""Long-term systemic glucocorticoids (REFERENCE.md §11, Woodcock 2020, ESE 2024).

A daily dose of 5 mg prednisolone-equivalent or more, taken for 4 weeks or
more, may suppress the adrenal axis. Whether a short procedure under sedation
needs a stress dose is not settled, so the plan never tells the patient to
change the steroid: the clinician gets a `steroid-stress-dose-review` flag and
the patient is told to keep taking it. A line's duration is almost never
stated, so the flag says "if taken for 4 weeks or more". When the dose cannot
be converted (no dose, no factor, a taper), the flag is raised anyway: the
threshold cannot be ruled out.

Inhaled and topical glucocorticoids have their own classes and are left to the
general "keep taking" list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from kyphoplan.clinical.context import Contribution, PlanContext
from kyphoplan.clinical.drugs import load_drug_knowledge
from kyphoplan.clinical.model import (
    ActionCode,
    Disposition,
    FlagCode,
    RecognizedMedication,
    Severity,
)
from kyphoplan.clinical.preparation import PreparationRule
from kyphoplan.clinical.rulesets import KnowledgeError
from kyphoplan.clinical.wording import say

RULE = "woodcock2020.long-term-glucocorticoid"
SYSTEMIC = "glucocorticoid"


class Unknown(StrEnum):
    """Why a line's prednisolone-equivalent dose could not be computed."""

    NO_DOSE = "no-dose"
    NO_FACTOR = "no-factor"
    VARIABLE = "variable"


@dataclass(frozen=True)
class Equivalent:
    mg_per_day: float | None
    unknown: Unknown | None = None
    frequency_assumed: bool = False


def _factors(rule: PreparationRule) -> Mapping[str, float]:
    table = rule.params.get("prednisolone_factor")
    if not isinstance(table, dict) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in table.values()
    ):
        raise KnowledgeError(f"rule {rule.id}: prednisolone_factor must map names to numbers")
    return {str(k): float(v) for k, v in table.items()}


def prednisolone_equivalent(rule: PreparationRule, med: RecognizedMedication, ingredient: str) -> Equivalent:
    """mg/day of prednisolone this line amounts to, or why it cannot be said."""
    factor = _factors(rule).get(ingredient)
    if factor is None:
        # Not in the rule's table: the drug knowledge may know it (e.g. betamethasone).
        known = load_drug_knowledge().ingredients.get(ingredient)
        factor = known.prednisolone_factor if known is not None else None
    if factor is None:
        return Equivalent(None, Unknown.NO_FACTOR)
    dose = med.dose
    if dose is None or dose.amount is None or dose.unit != "mg":
        return Equivalent(None, Unknown.NO_DOSE)
    if dose.variable:
        return Equivalent(None, Unknown.VARIABLE)
    freq = med.frequency
    per_day = freq.per_day if freq is not None else None
    # No frequency stated: systemic steroids are usually once a day; the flag says so.
    assumed = per_day is None
    return Equivalent(round(dose.amount * (per_day or 1) * factor, 2), frequency_assumed=assumed)


def _review(
    ctx: PlanContext,
    out: Contribution,
    rule: PreparationRule,
    med: RecognizedMedication,
    ingredient: str,
    index: int,
) -> None:
    threshold = rule.number("threshold_mg_per_day")
    weeks = rule.number("weeks")
    found = prednisolone_equivalent(rule, med, ingredient)
    if found.mg_per_day is not None and found.mg_per_day < threshold:
        return  # below the threshold: an ordinary medicine for this plan
    if found.mg_per_day is not None:
        key = "steroids.flag.assumed-daily" if found.frequency_assumed else "steroids.flag.review"
        text = say(key, drug=ingredient, mg=found.mg_per_day, threshold=threshold, weeks=weeks)
    else:
        unknown = found.unknown or Unknown.NO_DOSE
        text = say(
            "steroids.flag.unknown",
            drug=ingredient,
            why=say(f"steroids.unknown.{unknown.value}"),
            threshold=threshold,
            weeks=weeks,
        )
    out.flag(
        FlagCode.STEROID_STRESS_DOSE_REVIEW, Severity.MEDIUM, rule, text, drug=ingredient, input=med.input
    )
    out.act(
        ActionCode.CONTINUE_MEDICATION,
        rule,
        say("steroids.continue", drug=ctx.display_name(med, ingredient)),
        due=None,
        drug=ingredient,
        review=True,
    )
    out.decide(index, Disposition.CONTINUE)


def plan_steroids(ctx: PlanContext) -> Contribution:
    out = Contribution()
    rule = ctx.rules[RULE]
    for index, med in enumerate(ctx.medications):
        if not med.recognized:
            continue
        for ingredient, drug_class in zip(med.ingredients, med.classes, strict=True):
            if drug_class == SYSTEMIC:
                _review(ctx, out, rule, med, ingredient, index)
    return out
