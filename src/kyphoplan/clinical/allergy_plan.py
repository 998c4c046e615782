"""Allergies in the plan (REFERENCE.md §8 and §11): contrast reactions, shellfish
and iodine, gadolinium, bone cement, and lines nobody recognised.

A prior reaction to iodinated contrast gets the premedication regimen of the
practice's contrast policy as proposals for the radiologist (requires_review),
never as instructions the patient follows before sign-off. Shellfish and iodine
get a reassuring note, because patients often believe these mean a dye allergy
and the guideline says they do not. Every allergy line that is not understood
reaches a clinician.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from kyphoplan.clinical.allergies import AllergyCategory, ReactionSeverity, reaction_severity
from kyphoplan.clinical.context import CALL_TIME, Contribution, PlanContext
from kyphoplan.clinical.facts import ContrastPolicy
from kyphoplan.clinical.model import (
    ActionCode,
    AllergyAssessment,
    Audience,
    FlagCode,
    LocalText,
    Severity,
)
from kyphoplan.clinical.preparation import PreparationRule
from kyphoplan.clinical.rulesets import KnowledgeError
from kyphoplan.clinical.wording import say

PREMEDICATION = "acr-cm.contrast-premedication"
AGENT_SWITCH = "acr-cm.contrast-agent-switch"
AAAAI = "acr-aaaai-2025.prior-reaction"
NOTIFY = "source.contrast-notify-radiologist"
SHELLFISH_IODINE = "acr-cm.shellfish-iodine"
GADOLINIUM = "acr-cm.gadolinium"
CEMENT = "lcd.cement-allergy"
UNRECOGNIZED = "source.unrecognized-allergy"

# Worst first: a patient with several contrast lines is planned on the worst one,
# and a reaction whose severity is not known is planned as severe (fail closed).
_SEVERITY_RANK = {ReactionSeverity.SEVERE: 0, ReactionSeverity.UNKNOWN: 1, ReactionSeverity.MILD: 2}
# Categories that need no preparation item of their own (contrast risk from other
# allergies alone does not justify premedication, ACR-CM).
_NOTHING_TO_DO = {
    AllergyCategory.MEDICATION,
    AllergyCategory.LATEX,
    AllergyCategory.FOOD_OTHER,
    AllergyCategory.ENVIRONMENTAL,
    AllergyCategory.NO_KNOWN_ALLERGIES,
}


def _numbers(rule: PreparationRule, name: str) -> list[float]:
    value = rule.params.get(name)
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    ):
        raise KnowledgeError(f"rule {rule.id}: param {name!r} must be a list of numbers")
    return [float(v) for v in value]


def _words(rule: PreparationRule, name: str) -> tuple[str, ...]:
    value = rule.params.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise KnowledgeError(f"rule {rule.id}: param {name!r} must be a list of words")
    return tuple(v.lower() for v in value)


def _series(values: Sequence[float]) -> LocalText:
    """ "13, 7 and 1" / "13, 7 y 1"."""
    shown = [f"{v:g}" for v in values]
    if len(shown) == 1:
        return LocalText(en=shown[0], es=shown[0])
    head = ", ".join(shown[:-1])
    conjunction = say("allergy.word.and")
    return LocalText(en=f"{head} {conjunction.en} {shown[-1]}", es=f"{head} {conjunction.es} {shown[-1]}")


def _quoted(lines: Sequence[AllergyAssessment]) -> str:
    return "; ".join(f'"{a.input}"' for a in lines)


def _severity(lines: Sequence[AllergyAssessment]) -> ReactionSeverity:
    found = [reaction_severity(a.reaction or a.input) for a in lines]
    return min(found, key=lambda s: _SEVERITY_RANK[s])


def _notify_due(ctx: PlanContext) -> datetime:
    """The practice's notice before the procedure, or now if that is already past."""
    days = ctx.facts.policies.radiologist_notice_days
    return max(ctx.at(ctx.day(-days), CALL_TIME), ctx.facts.as_of)


def _notify(
    ctx: PlanContext, out: Contribution, rule: PreparationRule, lines: Sequence[AllergyAssessment]
) -> None:
    due = _notify_due(ctx)
    out.act(
        ActionCode.NOTIFY_RADIOLOGIST,
        rule,
        say("allergy.notify-radiologist", items=_quoted(lines), due=due.date()),
        due=due,
        audience=Audience.CLINICIAN,
    )


def _premedication(ctx: PlanContext, out: Contribution) -> None:
    """The ACR elective regimen, each dose a proposal for the radiologist to approve."""
    rule = ctx.rules[PREMEDICATION]
    doses = [
        ("prednisone", rule.number("prednisone_mg"), hours, "allergy.premed.prednisone")
        for hours in _numbers(rule, "prednisone_hours_before")
    ]
    doses.append(
        (
            "diphenhydramine",
            rule.number("diphenhydramine_mg"),
            rule.number("diphenhydramine_hours_before"),
            "allergy.premed.diphenhydramine",
        )
    )
    late: list[datetime] = []
    for drug, mg, hours, key in doses:
        due = ctx.hours_before(hours)
        out.act(
            ActionCode.TAKE_PREMEDICATION,
            rule,
            say(key, mg=mg, due=due),
            due=due,
            drug=drug,
            review=True,
        )
        if ctx.is_past(due):
            late.append(due)
    if late:
        out.flag(
            FlagCode.INSUFFICIENT_LEAD_TIME,
            Severity.HIGH,
            rule,
            say(
                "allergy.flag.premed-late",
                due=min(late),
                methylpred=rule.number("accelerated_methylprednisolone_iv_mg"),
                hydrocortisone=rule.number("accelerated_hydrocortisone_iv_mg"),
                every=rule.number("accelerated_every_hours"),
            ),
        )


def _regimen_text(rule: PreparationRule) -> LocalText:
    return say(
        "allergy.flag.regimen",
        prednisone=rule.number("prednisone_mg"),
        prednisone_hours=_series(_numbers(rule, "prednisone_hours_before")),
        diphenhydramine=rule.number("diphenhydramine_mg"),
        diphenhydramine_hours=rule.number("diphenhydramine_hours_before"),
        methylpred=rule.number("methylprednisolone_mg"),
        methylpred_hours=_series(_numbers(rule, "methylprednisolone_hours_before")),
        hydrocortisone=rule.number("hydrocortisone_iv_mg"),
        accelerated_methylpred=rule.number("accelerated_methylprednisolone_iv_mg"),
        accelerated_hydrocortisone=rule.number("accelerated_hydrocortisone_iv_mg"),
        every=rule.number("accelerated_every_hours"),
    )


def _contrast(ctx: PlanContext, out: Contribution, lines: Sequence[AllergyAssessment]) -> None:
    severity = _severity(lines)
    shown = say(f"allergy.severity.{severity.value}")
    premed_rule = ctx.rules[PREMEDICATION]
    if ctx.facts.policies.contrast is ContrastPolicy.ACR_AAAAI_2025:
        rule = ctx.rules[AAAAI]
        if severity is ReactionSeverity.MILD:
            text = say("allergy.flag.aaaai-mild", reactions=_quoted(lines))
            premedicate = False
        else:
            text = say(
                "allergy.flag.aaaai-severe",
                reactions=_quoted(lines),
                severity=shown,
                regimen=_regimen_text(premed_rule),
            )
            premedicate = True
    else:
        rule = premed_rule
        text = say("allergy.flag.acr", reactions=_quoted(lines), severity=shown, regimen=_regimen_text(rule))
        premedicate = True
    out.flag(FlagCode.CONTRAST_REACTION_HISTORY, Severity.HIGH, rule, text)
    if severity is not ReactionSeverity.MILD:
        # Severe or not known to be mild (fail closed): switch agent, for the radiologist.
        out.flag(
            FlagCode.CONTRAST_AGENT_SWITCH,
            Severity.HIGH,
            ctx.rules[AGENT_SWITCH],
            say(
                "allergy.flag.agent-switch",
                severity=shown,
                reactions=_quoted(lines),
                prednisone=premed_rule.number("prednisone_mg"),
                times=_series(_numbers(premed_rule, "prednisone_hours_before")),
                diphenhydramine=premed_rule.number("diphenhydramine_mg"),
                diphenhydramine_hours=premed_rule.number("diphenhydramine_hours_before"),
            ),
        )
    out.act(ActionCode.INFORMATION, rule, say("allergy.contrast.patient"), due=None)
    if premedicate:
        _premedication(ctx, out)
        _premedication_conflicts(ctx, out, premed_rule)


def _premedication_conflicts(ctx: PlanContext, out: Contribution, rule: PreparationRule) -> None:
    """An allergy to a premedication drug itself changes the regimen: say so."""
    words = _words(rule, "premedication_words")
    for allergy in ctx.allergies:
        if allergy.category == AllergyCategory.IODINATED_CONTRAST:
            continue
        if any(word in allergy.input.lower() for word in words):
            out.flag(
                FlagCode.CONTRAST_REACTION_HISTORY,
                Severity.HIGH,
                rule,
                say("allergy.flag.premed-conflict", input=allergy.input),
                input=allergy.input,
            )


def _not_contrast(ctx: PlanContext, out: Contribution, allergy: AllergyAssessment) -> None:
    """Shellfish and iodine: no premedication; a note for the patient, and for a bare
    "iodine" a request to record what the reaction really was."""
    rule = ctx.rules[SHELLFISH_IODINE]
    if allergy.category == AllergyCategory.SHELLFISH:
        out.act(ActionCode.INFORMATION, rule, say("allergy.shellfish.patient"), due=None)
        return
    if any(word in allergy.input.lower() for word in _words(rule, "povidone_words")):
        out.act(ActionCode.INFORMATION, rule, say("allergy.povidone.patient"), due=None)
        return
    out.act(ActionCode.INFORMATION, rule, say("allergy.iodine.patient"), due=None)
    out.flag(
        FlagCode.IODINE_ALLERGY_CLARIFY,
        Severity.LOW,
        rule,
        say("allergy.flag.iodine-clarify", input=allergy.input),
        input=allergy.input,
    )


def _gadolinium(ctx: PlanContext, out: Contribution, allergy: AllergyAssessment) -> None:
    rule = ctx.rules[GADOLINIUM]
    out.act(ActionCode.INFORMATION, rule, say("allergy.gadolinium.patient"), due=None)
    out.act(
        ActionCode.INFORMATION,
        rule,
        say("allergy.gadolinium.clinician", input=allergy.input),
        due=None,
        audience=Audience.CLINICIAN,
    )


def _cement(ctx: PlanContext, out: Contribution, lines: Sequence[AllergyAssessment]) -> None:
    rule = ctx.rules[CEMENT]
    for allergy in lines:
        out.flag(
            FlagCode.CEMENT_ALLERGY,
            Severity.HIGH,
            rule,
            say("allergy.flag.cement", input=allergy.input),
            input=allergy.input,
        )
    _notify(ctx, out, rule, lines)


def plan_allergies(ctx: PlanContext) -> Contribution:
    out = Contribution()
    contrast: list[AllergyAssessment] = []
    iodine: list[AllergyAssessment] = []
    cement: list[AllergyAssessment] = []
    for allergy in ctx.allergies:
        category = allergy.category
        if category == AllergyCategory.IODINATED_CONTRAST:
            contrast.append(allergy)
        elif category in (AllergyCategory.SHELLFISH, AllergyCategory.IODINE):
            _not_contrast(ctx, out, allergy)
            if category == AllergyCategory.IODINE:
                iodine.append(allergy)
        elif category == AllergyCategory.GADOLINIUM_CONTRAST:
            _gadolinium(ctx, out, allergy)
        elif category == AllergyCategory.BONE_CEMENT:
            cement.append(allergy)
        elif category in _NOTHING_TO_DO and allergy.recognized:
            continue
        else:
            out.flag(
                FlagCode.UNRECOGNIZED_ALLERGY,
                Severity.MEDIUM,
                ctx.rules[UNRECOGNIZED],
                say("allergy.flag.unrecognized", input=allergy.input),
                input=allergy.input,
            )
    if contrast:
        _contrast(ctx, out, contrast)
    if contrast or iodine:
        # Source document: tell the radiologist about a dye or iodine allergy days ahead.
        _notify(ctx, out, ctx.rules[NOTIFY], [*contrast, *iodine])
    if cement:
        _cement(ctx, out, cement)
    return out
