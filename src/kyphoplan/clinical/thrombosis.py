"""Why the blood thinner is taken, judged against REFERENCE.md §4a.

`assess(ctx)` combines the `indications` facts with what the medicine lines say
in their own words and answers two questions the blood-thinner planner asks:
is there a coronary stent inside its window (then aspirin and the P2Y12
inhibitor are never both drafted as stopped), and is the thrombotic risk of
interrupting anticoagulation high (then the prescriber decides bridging and
timing before any hold). Windows and thresholds come from the rule params.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from kyphoplan.clinical.context import PlanContext
from kyphoplan.clinical.indications import (
    Indication,
    IndicationKind,
    StentType,
    ValvePosition,
    ValveType,
    read_indications,
)
from kyphoplan.clinical.model import LocalText
from kyphoplan.clinical.preparation import PreparationRule
from kyphoplan.clinical.wording import say

STENT_RULE = "acc-aha-2014.recent-coronary-stent"
RISK_RULE = "chest2022.thrombotic-risk-high"
CARE_TEAM_RULE = "reference.inpatient-anticoagulant"
DUPLICATE_RULE = "reference.duplicate-medication"

ASPIRIN_CLASS = "aspirin"
P2Y12_CLASS = "p2y12-inhibitor"


@dataclass(frozen=True)
class StentConcern:
    indication: Indication
    window_days: int
    reason: LocalText  # what put the patient inside the window, for the clinician


@dataclass(frozen=True)
class Assessment:
    stent: StentConcern | None
    high_risk_reasons: tuple[LocalText, ...]

    @property
    def high_risk(self) -> bool:
        return bool(self.high_risk_reasons)


@lru_cache(maxsize=4096)
def _from_line(line: str, today: date) -> tuple[Indication, ...]:
    return read_indications(line, today)


def all_indications(ctx: PlanContext) -> tuple[Indication, ...]:
    today = ctx.facts.as_of.date()
    found = list(ctx.facts.indications)
    for line in ctx.facts.medications:
        found.extend(_from_line(line, today))
    return tuple(found)


def _window_days(rule: PreparationRule, stent: StentType | None) -> int:
    if stent is StentType.BARE_METAL:
        return int(rule.number("bare_metal_days"))
    if stent is StentType.BALLOON_ONLY:
        return int(rule.number("balloon_only_days"))
    # Drug-eluting, or type unknown: the longest window (fail closed).
    return int(rule.number("drug_eluting_days"))


def _on_two_antiplatelets(ctx: PlanContext) -> bool:
    classes = {c for med in ctx.medications for c in med.classes}
    return ASPIRIN_CLASS in classes and P2Y12_CLASS in classes


def _stent(ctx: PlanContext, found: tuple[Indication, ...]) -> StentConcern | None:
    rule = ctx.rules[STENT_RULE]
    stents = [i for i in found if i.kind is IndicationKind.CORONARY_STENT]
    for stent in stents:
        days = _window_days(rule, stent.stent)
        kind = say(f"thrombosis.stent.{(stent.stent or StentType.UNKNOWN).value}")
        if stent.date is not None and (ctx.procedure_day - stent.date).days < days:
            since = (ctx.procedure_day - stent.date).days
            reason = say("thrombosis.reason.stent", kind=kind, placed=stent.date, since=since, days=days)
            return StentConcern(stent, days, reason)
        if stent.date is None and _on_two_antiplatelets(ctx):
            # REFERENCE §4a: a stent of unknown date on two antiplatelets (an
            # unknown type with a date is judged by the longest window).
            reason = say("thrombosis.reason.stent-undated", kind=kind, days=days)
            return StentConcern(stent, days, reason)
    return None


def _recent(ctx: PlanContext, day: date | None, recent_days: int) -> bool | None:
    if day is None:
        return None
    return ctx.procedure_day - day < timedelta(days=recent_days)


def _risk_reasons(ctx: PlanContext, found: tuple[Indication, ...]) -> tuple[LocalText, ...]:
    rule = ctx.rules[RISK_RULE]
    recent_days = int(rule.number("recent_days"))
    reasons: list[LocalText] = []
    for item in found:
        if item.kind is IndicationKind.MECHANICAL_VALVE:
            if item.position is ValvePosition.MITRAL:
                reasons.append(say("thrombosis.reason.valve-mitral"))
            elif item.valve_type in (ValveType.CAGED_BALL, ValveType.TILTING_DISC):
                reasons.append(say("thrombosis.reason.valve-old-type"))
            elif item.position in (None, ValvePosition.UNKNOWN):
                reasons.append(say("thrombosis.reason.valve-position-unknown"))
            elif item.valve_type in (None, ValveType.UNKNOWN):
                reasons.append(say("thrombosis.reason.valve-type-unknown", position=item.position.value))
        elif item.kind in (IndicationKind.STROKE_OR_TIA, IndicationKind.VTE):
            event = say(f"thrombosis.event.{item.kind.value}")
            recent = _recent(ctx, item.date, recent_days)
            if recent is None:
                reasons.append(say("thrombosis.reason.event-undated", event=event))
            elif recent:
                reasons.append(say("thrombosis.reason.event-recent", event=event, day=item.date or ""))
        elif item.kind is IndicationKind.ATRIAL_FIBRILLATION:
            if item.cha2ds2_vasc is not None and item.cha2ds2_vasc >= rule.number("cha2ds2_vasc_min"):
                reasons.append(say("thrombosis.reason.af-score", score=f"CHA2DS2-VASc {item.cha2ds2_vasc}"))
            elif item.chads2 is not None and item.chads2 >= rule.number("chads2_min"):
                reasons.append(say("thrombosis.reason.af-score", score=f"CHADS2 {item.chads2}"))
            elif item.rheumatic:
                reasons.append(say("thrombosis.reason.af-rheumatic"))
        elif item.kind is IndicationKind.THROMBOPHILIA:
            if item.severe is None:
                reasons.append(say("thrombosis.reason.thrombophilia-unknown"))
            elif item.severe:
                reasons.append(say("thrombosis.reason.thrombophilia-severe"))
    return tuple(dict.fromkeys(reasons))


def assess(ctx: PlanContext) -> Assessment:
    found = all_indications(ctx)
    return Assessment(stent=_stent(ctx, found), high_risk_reasons=_risk_reasons(ctx, found))


def is_care_team(ctx: PlanContext, ingredient: str, drug_class: str, route: str | None) -> bool:
    """An infusion only a nurse or doctor gives (REFERENCE §4a): heparin IV,
    argatroban, bivalirudin."""
    rule = ctx.rules[CARE_TEAM_RULE]
    if ingredient in rule.ingredients:
        return True
    routes = rule.params.get("routes", [])
    return drug_class in rule.classes and isinstance(routes, list) and route in routes
