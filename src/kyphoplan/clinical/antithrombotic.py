"""Blood thinners: which rule applies to a medicine line, and when to stop and restart.

The numbers come from the rule sets (`rulesets.py`); this module only turns
them into dated actions and clinician flags. `strictest` evaluates both rule
sets and keeps, per drug, the hold that starts earlier (and the later restart).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from kyphoplan.clinical.facts import AspirinIndication, PatientFacts, Procedure
from kyphoplan.clinical.model import Protocol, RecognizedMedication
from kyphoplan.clinical.renal import Crcl, CrclOrigin
from kyphoplan.clinical.rulesets import (
    AntithromboticRule,
    HoldKind,
    Interval,
    Restart,
    RestartKind,
    load_ruleset,
)
from kyphoplan.clinical.timing import (
    HoldWindow,
    day_after,
    dosing_times,
    hold_for_days,
    hold_for_doses,
    hold_for_hours,
    instant,
    shift,
)

# Usual administrations per day, for dose-counted holds when the line does not say.
USUAL_DOSES_PER_DAY = {
    "apixaban": 2,
    "dabigatran": 2,
    "rivaroxaban": 1,
    "edoxaban": 1,
    "betrixaban": 1,
    "enoxaparin": 2,
    "dalteparin": 1,
}

# Procedure length used to time restarts "N hours after": under one hour per
# level (source document), so the end is planned at one hour per level.
MINUTES_PER_LEVEL = 60


class Status:
    """What the plan does with one antithrombotic (values of `HoldKind` plus one)."""

    NOT_COVERED = "not-covered"


@dataclass(frozen=True)
class Outcome:
    """One rule applied to one drug of one medicine line."""

    rule: AntithromboticRule
    drug: str  # ingredient, or "a/b" for a combination rule
    kind: str  # HoldKind value or Status.NOT_COVERED
    interval: Interval | None = None
    band_guideline: str = ""
    window: HoldWindow | None = None
    restart_rule: AntithromboticRule | None = None
    restart_due: datetime | None = None
    renal_needed: bool = False
    times_assumed: tuple[time, ...] = ()
    assumed: str = ""  # a dose or indication assumption the clinician must see
    hours_instead: float | None = None  # the hours alternative of "N doses or H hours" was planned

    @property
    def restart(self) -> Restart | None:
        rule = self.restart_rule or self.rule
        return rule.restart


def procedure_end(procedure: Procedure) -> datetime:
    minutes = MINUTES_PER_LEVEL * max(1, len(procedure.levels))
    return shift(procedure.start, timedelta(minutes=minutes), ZoneInfo(procedure.timezone))


def _condition_holds(rule: AntithromboticRule, med: RecognizedMedication, facts: PatientFacts) -> bool:
    when = rule.when
    if when.route_in and med.route not in when.route_in:
        return False
    if when.dose_mg_max is not None:
        dose = med.dose
        if dose is None or dose.amount is None:
            if not when.dose_unstated_matches:
                return False
        elif dose.unit not in ("mg", None) or dose.amount > when.dose_mg_max:
            return False
    if when.aspirin_indication_in:
        return facts.patient.aspirin_indication.value in when.aspirin_indication_in
    return True


def _may_match(protocol: Protocol, med: RecognizedMedication) -> bool:
    known = load_ruleset(protocol).named_ingredients_and_classes
    return not (known.isdisjoint(med.ingredients) and known.isdisjoint(med.classes))


def matching_rules(
    protocol: Protocol, med: RecognizedMedication, facts: PatientFacts
) -> list[tuple[AntithromboticRule, tuple[str, ...]]]:
    """(rule, drugs it covers) for every antithrombotic ingredient of the line."""
    if not _may_match(protocol, med):
        return []  # most lines (statins, thyroid...) meet no rule: skip the scan
    ruleset = load_ruleset(protocol)
    remaining = list(zip(med.ingredients, med.classes, strict=True))
    found: list[tuple[AntithromboticRule, tuple[str, ...]]] = []
    for rule in ruleset.rules:
        combination = rule.match_all and set(rule.ingredients) <= set(med.ingredients)
        if combination and _condition_holds(rule, med, facts):
            found.append((rule, rule.ingredients))
            remaining = [(i, c) for i, c in remaining if i not in rule.ingredients]
    for ingredient, drug_class in remaining:
        for rule in ruleset.rules:
            if rule.match_all:
                continue
            named = ingredient in rule.ingredients or drug_class in rule.classes
            if named and _condition_holds(rule, med, facts):
                found.append((rule, (ingredient,)))
                break
    return found


@dataclass(frozen=True)
class _Planned:
    window: HoldWindow
    times_assumed: tuple[time, ...]
    hours_instead: float | None  # "2 doses or 24 h" planned as the hours


def _window(interval: Interval, med: RecognizedMedication, drug: str, facts: PatientFacts) -> _Planned:
    upper = facts.policies.range_bound.value == "upper"
    count = interval.bound(upper)
    start, zone = facts.procedure.start, facts.zone
    stated = med.frequency is not None and bool(med.frequency.times or med.frequency.per_day)
    if interval.kind is HoldKind.DAYS:
        return _Planned(hold_for_days(start, int(count), zone), (), None)
    if interval.kind is HoldKind.HOURS:
        # A stated schedule dates the last dose; otherwise the cut-off itself is shown.
        schedule = dosing_times(med.frequency, 1) if stated else ()
        return _Planned(hold_for_hours(start, count, zone, schedule), (), None)
    times = dosing_times(med.frequency, USUAL_DOSES_PER_DAY.get(drug, 1))
    doses = int(count)
    window = hold_for_doses(start, doses, times, zone)
    if interval.min_hours is not None:
        latest = shift(start, timedelta(hours=-interval.min_hours), zone)
        while window.last_dose_at is not None and instant(window.last_dose_at) > instant(latest):
            doses += 1
            window = hold_for_doses(start, doses, times, zone)
    hours_instead = None
    if interval.or_hours is not None:
        # "2 doses or 24 h": either meets the guideline; keep the shorter interruption.
        alternative = hold_for_hours(start, interval.or_hours, zone, times)
        if instant(alternative.starts) > instant(window.starts):
            window, hours_instead = alternative, interval.or_hours
    return _Planned(window, () if stated else times, hours_instead)


def _restart_due(rule: AntithromboticRule, med: RecognizedMedication, facts: PatientFacts) -> datetime | None:
    restart = rule.restart
    if restart is None:
        return None
    zone = facts.zone
    if restart.kind is RestartKind.DAY_AFTER:
        first = dosing_times(med.frequency, 1)[0]
        return day_after(facts.procedure.start, zone, first)
    if restart.kind is RestartKind.HOURS and restart.low is not None and restart.high is not None:
        hours = restart.high if facts.policies.range_bound.value == "upper" else restart.low
        return shift(procedure_end(facts.procedure), timedelta(hours=hours), zone)
    return None


def evaluate(
    rule: AntithromboticRule,
    drugs: tuple[str, ...],
    med: RecognizedMedication,
    facts: PatientFacts,
    crcl: Crcl,
) -> Outcome:
    drug = "/".join(drugs)
    restart_due = _restart_due(rule, med, facts)
    threshold = rule.not_covered_below_crcl
    if threshold is not None and (
        facts.labs.on_dialysis or (crcl.value is not None and crcl.value < threshold)
    ):
        return Outcome(rule=rule, drug=drug, kind=Status.NOT_COVERED, restart_due=restart_due)
    interval, band_text, renal_needed = rule.hold, "", False
    if rule.renal_bands:
        upper = facts.policies.range_bound.value == "upper"
        if crcl.value is None or crcl.origin is CrclOrigin.UNKNOWN:
            band = max(rule.renal_bands, key=lambda b: b.hold.bound(upper))
            renal_needed = True
        else:
            covering = [b for b in rule.renal_bands if b.contains(crcl.value)]
            if not covering:
                return Outcome(rule=rule, drug=drug, kind=Status.NOT_COVERED, restart_due=restart_due)
            band = covering[0]
        interval, band_text = band.hold, band.guideline
    assert interval is not None  # parse_ruleset guarantees hold or bands
    planned = None
    if interval.kind in (HoldKind.DAYS, HoldKind.DOSES, HoldKind.HOURS):
        planned = _window(interval, med, drugs[0], facts)
    # Built once: this runs for every antithrombotic line of every plan.
    return Outcome(
        rule=rule,
        drug=drug,
        kind=interval.kind.value,
        interval=interval,
        band_guideline=band_text,
        window=planned.window if planned else None,
        restart_due=restart_due,
        renal_needed=renal_needed,
        times_assumed=planned.times_assumed if planned else (),
        assumed=_assumption(rule, med, facts),
        hours_instead=planned.hours_instead if planned else None,
    )


def _assumption(rule: AntithromboticRule, med: RecognizedMedication, facts: PatientFacts) -> str:
    """The rule's assumption, when the facts left it open (the clinician must see it)."""
    if rule.assumption_about == "dose":
        stated = med.dose is not None and med.dose.amount is not None
        return "" if stated else rule.assumption
    if rule.assumption_about == "indication":
        unknown = facts.patient.aspirin_indication is AspirinIndication.UNKNOWN
        return rule.assumption if unknown else ""
    return rule.assumption


def _stricter(first: Outcome, second: Outcome) -> Outcome:
    """The outcome with the earlier hold start; a verified value beats none."""
    if first.window and second.window:
        chosen, other = (
            (first, second)
            if instant(first.window.starts) <= instant(second.window.starts)
            else (second, first)
        )
        if other.restart_due and (
            chosen.restart_due is None or instant(other.restart_due) > instant(chosen.restart_due)
        ):
            return replace(chosen, restart_rule=other.rule, restart_due=other.restart_due)
        return chosen
    for candidate in (first, second):
        if candidate.window:
            return candidate
    rank = {
        Status.NOT_COVERED: 0,
        HoldKind.SHARED_DECISION.value: 1,
        HoldKind.NONE.value: 2,
        HoldKind.NO_VERIFIED_VALUE.value: 3,
    }
    return min((first, second), key=lambda o: rank.get(o.kind, 9))


def _by_ingredient(
    protocol: Protocol, med: RecognizedMedication, facts: PatientFacts, crcl: Crcl
) -> dict[str, Outcome]:
    found: dict[str, Outcome] = {}
    for rule, drugs in matching_rules(protocol, med, facts):
        outcome = evaluate(rule, drugs, med, facts, crcl)
        for drug in drugs:
            found[drug] = outcome
    return found


def _one_hold_per_line(outcomes: list[Outcome]) -> list[Outcome]:
    """A tablet cannot be split: a line with several holds gets the earliest one."""
    held = [o for o in outcomes if o.window is not None]
    if len(held) < 2:
        return outcomes
    combined = held[0]
    for other in held[1:]:
        combined = _stricter(combined, other)
    drug = "/".join(dict.fromkeys(part for o in held for part in o.drug.split("/")))
    rest = [o for o in outcomes if o.window is None]
    return [replace(combined, drug=drug), *rest]


def outcomes_for_line(med: RecognizedMedication, facts: PatientFacts, crcl: Crcl) -> list[Outcome]:
    """Every antithrombotic decision for one medicine line (empty if none applies)."""
    protocols = (
        (Protocol.SIR_2019, Protocol.ASRA_2018) if facts.protocol is Protocol.STRICTEST else (facts.protocol,)
    )
    if not any(_may_match(protocol, med) for protocol in protocols):
        return []  # most lines (statins, thyroid...) meet no rule
    if facts.protocol is not Protocol.STRICTEST:
        found = _by_ingredient(facts.protocol, med, facts, crcl)
        return _one_hold_per_line(list({id(o): o for o in found.values()}.values()))
    sir = _by_ingredient(Protocol.SIR_2019, med, facts, crcl)
    asra = _by_ingredient(Protocol.ASRA_2018, med, facts, crcl)
    merged: dict[int, Outcome] = {}
    for drug in dict.fromkeys([*sir, *asra]):
        pair = [o for o in (sir.get(drug), asra.get(drug)) if o is not None]
        chosen = pair[0] if len(pair) == 1 else _stricter(pair[0], pair[1])
        merged[id(chosen)] = chosen
    return _one_hold_per_line(list(merged.values()))
