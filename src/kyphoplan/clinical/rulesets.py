"""Antithrombotic rule sets (`data/rulesets/*.json`), loaded and validated.

A rule set is data: each rule has a stable id, its source id, the guideline's
own wording and numbers. This module checks the shape when it loads, so a
typo in a data file fails at start-up with the rule id, never at a patient.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, cached_property
from importlib import resources
from typing import Any

from kyphoplan.clinical.model import Protocol

SCHEMA = "kyphoplan.ruleset/1"

class KnowledgeError(ValueError):
    """A knowledge-base file is malformed; the message names the file and entry."""


class HoldKind(StrEnum):
    DAYS = "days"
    DOSES = "doses"
    HOURS = "hours"
    NONE = "none"
    NO_VERIFIED_VALUE = "no-verified-value"
    SHARED_DECISION = "shared-decision"


class RestartKind(StrEnum):
    DAY_AFTER = "day-after"
    HOURS = "hours"
    NO_VERIFIED_VALUE = "no-verified-value"


@dataclass(frozen=True)
class Interval:
    kind: HoldKind
    low: float | None = None
    high: float | None = None
    or_hours: float | None = None  # "2 doses or 24 h": either satisfies the guideline
    min_hours: float | None = None  # "1 dose (12 h)": never closer than this

    def bound(self, upper: bool) -> float:
        if self.low is None or self.high is None:
            raise ValueError(f"interval {self.kind} has no number")
        return self.high if upper else self.low

    def shown(self) -> str:
        if self.low is None or self.high is None:
            return ""
        return f"{self.low:g}" if self.low == self.high else f"{self.low:g}-{self.high:g}"


@dataclass(frozen=True)
class Restart:
    kind: RestartKind
    low: float | None = None
    high: float | None = None
    note: str = ""


@dataclass(frozen=True)
class RenalBand:
    crcl_min: float
    crcl_below: float | None
    hold: Interval
    guideline: str

    def contains(self, crcl: float) -> bool:
        return crcl >= self.crcl_min and (self.crcl_below is None or crcl < self.crcl_below)


@dataclass(frozen=True)
class Condition:
    route_in: tuple[str, ...] = ()
    dose_mg_max: float | None = None
    dose_unstated_matches: bool = False  # with dose_mg_max: a line with no dose still matches
    aspirin_indication_in: tuple[str, ...] = ()


@dataclass(frozen=True)
class AntithromboticRule:
    id: str
    source: str
    guideline: str
    ingredients: tuple[str, ...]
    classes: tuple[str, ...]
    match_all: bool  # a combination rule: applies when the line has every ingredient
    when: Condition
    hold: Interval | None
    renal_bands: tuple[RenalBand, ...]
    restart: Restart | None
    inr_max: float | None = None
    inr_normal: bool = False
    lab_check: str = ""
    per_patient_decision: bool = False
    unconfirmed: bool = False
    bridging_question: bool = False
    not_covered_below_crcl: float | None = None
    assumption: str = ""
    assumption_about: str = ""  # "dose" or "indication": when the assumption applies


@dataclass(frozen=True)
class RuleSet:
    id: str
    version: str
    title: str
    source: str
    risk_rule: str
    risk_guideline: str
    rules: tuple[AntithromboticRule, ...]

    @cached_property
    def named_ingredients_and_classes(self) -> frozenset[str]:
        """Every ingredient and class some rule names: a line naming none meets no rule."""
        return frozenset(name for rule in self.rules for name in (*rule.ingredients, *rule.classes))

    def rule(self, rule_id: str) -> AntithromboticRule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def _need(obj: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in obj:
        raise KnowledgeError(f"{where}: missing {key!r}")
    value = obj[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise KnowledgeError(f"{where}: {key!r} must be {kind.__name__}")
    return value


def _range(obj: Mapping[str, Any], where: str) -> tuple[float, float]:
    raw = _need(obj, "range", list, where)
    if len(raw) != 2 or not all(isinstance(x, int | float) for x in raw) or raw[0] > raw[1]:
        raise KnowledgeError(f"{where}: range must be [low, high] numbers with low <= high")
    return float(raw[0]), float(raw[1])


def _interval(raw: Any, where: str) -> Interval:
    if not isinstance(raw, dict):
        raise KnowledgeError(f"{where}: hold must be an object")
    try:
        kind = HoldKind(str(raw.get("kind")))
    except ValueError:
        raise KnowledgeError(f"{where}: unknown hold kind {raw.get('kind')!r}") from None
    unknown = set(raw) - {"kind", "range", "or_hours", "min_hours"}
    if unknown:
        raise KnowledgeError(f"{where}: unknown hold fields {sorted(unknown)}")
    if kind in (HoldKind.DAYS, HoldKind.DOSES, HoldKind.HOURS):
        low, high = _range(raw, where)
        return Interval(kind, low, high, raw.get("or_hours"), raw.get("min_hours"))
    if "range" in raw:
        raise KnowledgeError(f"{where}: hold kind {kind} takes no range")
    return Interval(kind)


def _restart(raw: Any, where: str) -> Restart:
    if not isinstance(raw, dict):
        raise KnowledgeError(f"{where}: restart must be an object")
    try:
        kind = RestartKind(str(raw.get("kind")))
    except ValueError:
        raise KnowledgeError(f"{where}: unknown restart kind {raw.get('kind')!r}") from None
    if kind is RestartKind.HOURS:
        low, high = _range(raw, where)
        return Restart(kind, low, high, str(raw.get("note", "")))
    return Restart(kind, note=str(raw.get("note", "")))


_RULE_FIELDS = {
    "id", "ingredients", "classes", "match", "when", "source", "guideline", "hold",
    "renal_bands", "restart", "checks", "per_patient_decision", "unconfirmed",
    "bridging_question", "not_covered_below_crcl", "dose_assumption", "indication_assumption",
}  # fmt: skip


def _rule(raw: Any, index: int, file: str) -> AntithromboticRule:
    where = f"{file} rule #{index}"
    if not isinstance(raw, dict):
        raise KnowledgeError(f"{where}: must be an object")
    rule_id = _need(raw, "id", str, where)
    where = f"{file} rule {rule_id}"
    unknown = set(raw) - _RULE_FIELDS
    if unknown:
        raise KnowledgeError(f"{where}: unknown fields {sorted(unknown)}")
    ingredients = tuple(raw.get("ingredients", ()))
    classes = tuple(raw.get("classes", ()))
    if not ingredients and not classes:
        raise KnowledgeError(f"{where}: names no ingredients and no classes")
    bands = tuple(
        RenalBand(
            crcl_min=float(_need(band, "crcl_min", int, f"{where} band")),
            crcl_below=band.get("crcl_below"),
            hold=_interval(band.get("hold"), f"{where} band"),
            guideline=_need(band, "guideline", str, f"{where} band"),
        )
        for band in raw.get("renal_bands", ())
    )
    if ("hold" in raw) == bool(bands):
        raise KnowledgeError(f"{where}: needs exactly one of 'hold' and 'renal_bands'")
    when_raw = raw.get("when", {})
    when = Condition(
        route_in=tuple(when_raw.get("route_in", ())),
        dose_mg_max=when_raw.get("dose_mg_max"),
        dose_unstated_matches=when_raw.get("dose_unstated") == "match",
        aspirin_indication_in=tuple(when_raw.get("aspirin_indication_in", ())),
    )
    checks = raw.get("checks", {})
    return AntithromboticRule(
        id=rule_id,
        source=_need(raw, "source", str, where),
        guideline=_need(raw, "guideline", str, where),
        ingredients=ingredients,
        classes=classes,
        match_all=len(ingredients) > 1 and raw.get("match", "all") == "all",
        when=when,
        hold=_interval(raw["hold"], where) if "hold" in raw else None,
        renal_bands=bands,
        restart=_restart(raw["restart"], where) if "restart" in raw else None,
        inr_max=checks.get("inr_max"),
        inr_normal=bool(checks.get("inr_normal", False)),
        lab_check=str(checks.get("lab", "")),
        per_patient_decision=bool(raw.get("per_patient_decision", False)),
        unconfirmed=bool(raw.get("unconfirmed", False)),
        bridging_question=bool(raw.get("bridging_question", False)),
        not_covered_below_crcl=raw.get("not_covered_below_crcl"),
        assumption=str(raw.get("dose_assumption", raw.get("indication_assumption", ""))),
        assumption_about=(
            "dose" if "dose_assumption" in raw else "indication" if "indication_assumption" in raw else ""
        ),
    )


def parse_ruleset(data: Any, file: str) -> RuleSet:
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise KnowledgeError(f"{file}: not a {SCHEMA} document")
    risk = _need(data, "procedure_risk", dict, file)
    rules = tuple(_rule(raw, i, file) for i, raw in enumerate(_need(data, "rules", list, file)))
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise KnowledgeError(f"{file}: duplicate rule id {rule.id}")
        seen.add(rule.id)
    return RuleSet(
        id=_need(data, "id", str, file),
        version=_need(data, "version", str, file),
        title=_need(data, "title", str, file),
        source=_need(data, "source", str, file),
        risk_rule=_need(risk, "rule", str, file),
        risk_guideline=_need(risk, "guideline", str, file),
        rules=rules,
    )


@cache
def load_ruleset(protocol: Protocol) -> RuleSet:
    """The rule set of one guideline (`strictest` is computed, not loaded)."""
    if protocol is Protocol.STRICTEST:
        raise ValueError("strictest combines sir-2019 and asra-2018; load those")
    name = f"{protocol.value}.json"
    text = resources.files("kyphoplan.clinical.data.rulesets").joinpath(name).read_text("utf-8")
    return parse_ruleset(json.loads(text), name)


def ruleset_version(protocol: Protocol) -> str:
    if protocol is Protocol.STRICTEST:
        sir, asra = load_ruleset(Protocol.SIR_2019), load_ruleset(Protocol.ASRA_2018)
        return f"strictest({sir.id}@{sir.version}+{asra.id}@{asra.version})"
    ruleset = load_ruleset(protocol)
    return f"{ruleset.id}@{ruleset.version}"
