"""The same ingredient on more than one line (REFERENCE.md §4a "Duplicates").

Patients list a brand and its generic ("Jardiance" and "empagliflozin"), or a
combination and one of its parts (Aggrenox and aspirin). The plan flags it for
the clinician and holds the ingredient once: of the actions the areas drafted
for the same drug, the strictest stays (the earliest stop, the latest restart)
and the copies go, so the patient never reads two dates for one medicine.
"""

from __future__ import annotations

from kyphoplan.clinical.context import Contribution, PlanContext
from kyphoplan.clinical.drugs import ANTITHROMBOTIC_CLASSES, DIABETES_CLASSES, PseudoIngredient
from kyphoplan.clinical.model import Action, ActionCode, Flag, FlagCode, Severity
from kyphoplan.clinical.timing import instant
from kyphoplan.clinical.wording import say

DUPLICATE_RULE = "reference.duplicate-medication"
_PSEUDO = frozenset(str(p) for p in PseudoIngredient)
_LATEST_WINS = {ActionCode.RESUME_MEDICATION}
# One per drug and line by construction; a second copy can only come from a second line.
# (Dose proposals and premedication doses are several per drug on purpose: never merged.)
_ONCE_PER_DRUG = frozenset(
    {
        ActionCode.STOP_MEDICATION,
        ActionCode.RESUME_MEDICATION,
        ActionCode.CONSULT_PRESCRIBER,
        ActionCode.CONTINUE_MEDICATION,
        ActionCode.HOLD_AFTER_PROCEDURE,
    }
)


def _lines_by_ingredient(ctx: PlanContext) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for index, med in enumerate(ctx.medications):
        for ingredient in dict.fromkeys(med.ingredients):
            if ingredient not in _PSEUDO:
                found.setdefault(ingredient, []).append(index)
    return {name: lines for name, lines in found.items() if len(lines) > 1}


def _strictest(actions: list[Action]) -> Action:
    dated = [a for a in actions if a.due is not None]
    if not dated:
        return actions[0]
    if actions[0].code in _LATEST_WINS:
        return max(dated, key=lambda a: instant(a.due))  # type: ignore[arg-type]
    return min(dated, key=lambda a: instant(a.due))  # type: ignore[arg-type]


def hold_duplicates_once(ctx: PlanContext, total: Contribution) -> Contribution:
    duplicates = _lines_by_ingredient(ctx)
    if not duplicates:
        return total
    rule = ctx.rules[DUPLICATE_RULE]
    for ingredient, lines in sorted(duplicates.items()):
        classes = {
            drug_class
            for i in lines
            for name, drug_class in zip(ctx.medications[i].ingredients, ctx.medications[i].classes, strict=True)
            if name == ingredient
        }
        severity = Severity.HIGH if classes & (ANTITHROMBOTIC_CLASSES | DIABETES_CLASSES) else Severity.MEDIUM
        quoted = "; ".join(f'"{ctx.medications[i].input}"' for i in lines)
        total.flag(
            FlagCode.DUPLICATE_MEDICATION,
            severity,
            rule,
            say("duplicate.flag", drug=ingredient, lines=quoted, count=len(lines)),
            drug=ingredient,
        )
    # One action per (code, drug): the copies a second line produced go.
    groups: dict[tuple[ActionCode, str], list[Action]] = {}
    for action in total.actions:
        if action.drug is not None and action.code in _ONCE_PER_DRUG and action.drug in duplicates:
            groups.setdefault((action.code, action.drug), []).append(action)
    keep = {id(_strictest(group)) for group in groups.values()}
    merged = {id(a) for group in groups.values() for a in group}
    actions = [a for a in total.actions if id(a) not in merged or id(a) in keep]
    seen: set[tuple[FlagCode, str | None, str, str]] = set()
    flags: list[Flag] = []
    for flag in total.flags:
        key = (flag.code, flag.drug, flag.rule, flag.text.en)
        if key not in seen:
            seen.add(key)
            flags.append(flag)
    return Contribution(actions=actions, flags=flags, dispositions=total.dispositions)
