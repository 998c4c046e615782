"""Payer criteria for vertebral augmentation as data, evaluated against one case (REFERENCE §12).

A record (`data/payers/<id>.json`, schema `kyphoplan.payer-criteria/1`) lists criteria, each
of a known kind with its numbers. The practice may change a record (kyphoplan.candidacy keeps
the versions, audited); `parse_record` validates whatever it is given and names the field.

Each criterion evaluates to met, not met or not documented: a fact the case does not hold is
never read as "no" — it is "not documented", which is what a payer refuses on.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from functools import cache
from importlib import resources
from typing import Any

from kyphoplan.clinical.coding import CodingError, parse_level
from kyphoplan.clinical.grading import one_decimal

SCHEMA = "kyphoplan.payer-criteria/1"


class PayerCriteriaError(ValueError):
    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


class Outcome(StrEnum):
    MET = "met"
    NOT_MET = "not met"
    NOT_DOCUMENTED = "not documented"


class Setting(StrEnum):
    INPATIENT = "inpatient"
    OUTPATIENT = "outpatient"


WEEK_FACTS = ("conservative_care_weeks", "analgesic_weeks", "exercise_weeks")
YES_NO_FACTS = ("bone_density_referral", "osteoporosis_education", "osteoporosis_programme", "kyphosis",
                "pain_worsening")


@dataclass(frozen=True)
class Evidence:
    """What the case documents. None = not documented."""

    pain_nrs: int | None = None
    setting: Setting | None = None
    pain_worsening: bool | None = None
    conservative_care_weeks: int | None = None
    analgesic_weeks: int | None = None
    exercise_weeks: int | None = None
    acute_on_imaging: bool | None = None
    imaging_age_days: int | None = None
    max_height_loss: Fraction | None = None
    kyphosis: bool | None = None
    rdq: int | None = None
    levels: tuple[str, ...] = ()
    bone_density_referral: bool | None = None
    osteoporosis_education: bool | None = None
    osteoporosis_programme: bool | None = None


@dataclass(frozen=True)
class Result:
    criterion_id: str
    text: str
    outcome: Outcome
    evidence: str


@dataclass(frozen=True)
class Criterion:
    id: str
    text: str
    kind: str
    params: Mapping[str, Any]
    parts: tuple[Criterion, ...] = ()


@dataclass(frozen=True)
class PayerRecord:
    id: str
    payer: str
    version: str
    source: str
    source_note: str
    criteria: tuple[Criterion, ...] = field(default_factory=tuple)


def _yn(value: bool | None, yes: str, no: str, fact: str) -> tuple[Outcome, str]:
    if value is None:
        return Outcome.NOT_DOCUMENTED, f"{fact}: not documented"
    return (Outcome.MET, yes) if value else (Outcome.NOT_MET, no)


def _acute(c: Criterion, e: Evidence) -> tuple[Outcome, str]:
    return _yn(e.acute_on_imaging, "bone-marrow oedema on MRI (acute or subacute)",
               "no bone-marrow oedema on MRI", "MRI oedema")


def _pain_min(c: Criterion, e: Evidence) -> tuple[Outcome, str]:
    if e.pain_nrs is None or e.setting is None:
        return Outcome.NOT_DOCUMENTED, "pain score or care setting not documented"
    floor = int(c.params[e.setting.value])
    ok = e.pain_nrs >= floor
    return (Outcome.MET if ok else Outcome.NOT_MET), f"NRS {e.pain_nrs} ({e.setting.value}; needs ≥ {floor})"


def _worsening_or_pain(c: Criterion, e: Evidence) -> tuple[Outcome, str]:
    floor = int(c.params["min"])
    if e.pain_worsening or (e.pain_nrs is not None and e.pain_nrs >= floor):
        worse = {True: "yes", False: "no", None: "not documented"}[e.pain_worsening]
        return Outcome.MET, f"worsening pain: {worse}; NRS {e.pain_nrs if e.pain_nrs is not None else 'not documented'}"
    if e.pain_worsening is None or e.pain_nrs is None:
        return Outcome.NOT_DOCUMENTED, "pain course or pain score not documented"
    return Outcome.NOT_MET, f"pain not worsening and NRS {e.pain_nrs} (< {floor})"


def _height_loss_over(c: Criterion, e: Evidence) -> tuple[Outcome, str]:
    limit = Fraction(str(c.params["percent"]))
    if e.max_height_loss is None:
        return Outcome.NOT_DOCUMENTED, "no vertebral heights measured"
    ok = e.max_height_loss > limit
    return (Outcome.MET if ok else Outcome.NOT_MET), f"height loss {one_decimal(e.max_height_loss)} %"


def _rdq_over(c: Criterion, e: Evidence) -> tuple[Outcome, str]:
    limit = int(c.params["score"])
    if e.rdq is None:
        return Outcome.NOT_DOCUMENTED, "RDQ not documented"
    return (Outcome.MET if e.rdq > limit else Outcome.NOT_MET), f"RDQ {e.rdq}"


def _weeks_min(c: Criterion, e: Evidence) -> tuple[Outcome, str]:
    fact, weeks = str(c.params["fact"]), int(c.params["weeks"])
    value = getattr(e, fact)
    label = fact.replace("_weeks", "").replace("_", " ")
    if value is None:
        return Outcome.NOT_DOCUMENTED, f"{label}: weeks not documented"
    return (Outcome.MET if value >= weeks else Outcome.NOT_MET), f"{label}: {value} week(s) (needs ≥ {weeks})"


def _documented(c: Criterion, e: Evidence) -> tuple[Outcome, str]:
    fact = str(c.params["fact"])
    label = fact.replace("_", " ")
    return _yn(getattr(e, fact), f"{label}: documented", f"{label}: recorded as not done", label)


def _levels_max(c: Criterion, e: Evidence) -> tuple[Outcome, str]:
    most = int(c.params["levels"])
    if not e.levels:
        return Outcome.NOT_DOCUMENTED, "no planned levels"
    ok = len(e.levels) <= most
    return (Outcome.MET if ok else Outcome.NOT_MET), f"{len(e.levels)} level(s) on one date: {', '.join(e.levels)}"


def _levels_within(c: Criterion, e: Evidence) -> tuple[Outcome, str]:
    low, high = parse_level(str(c.params["from"])), parse_level(str(c.params["to"]))
    if not e.levels:
        return Outcome.NOT_DOCUMENTED, "no planned levels"
    try:
        outside = [lv for lv in e.levels if not low <= parse_level(lv) <= high]
    except CodingError as exc:
        return Outcome.NOT_MET, str(exc)
    if outside:
        return Outcome.NOT_MET, f"outside {low.name}–{high.name}: {', '.join(outside)}"
    return Outcome.MET, f"{', '.join(e.levels)} within {low.name}–{high.name}"


def _imaging_age_max(c: Criterion, e: Evidence) -> tuple[Outcome, str]:
    days = int(c.params["days"])
    if e.imaging_age_days is None:
        return Outcome.NOT_DOCUMENTED, "imaging date not documented"
    ok = e.imaging_age_days <= days
    return (Outcome.MET if ok else Outcome.NOT_MET), f"imaging {e.imaging_age_days} day(s) old (at most {days})"


def _at_least(c: Criterion, e: Evidence) -> tuple[Outcome, str]:
    need = int(c.params["count"])
    results = [(part, evaluate_criterion(part, e)) for part in c.parts]
    met = sum(1 for _, r in results if r.outcome is Outcome.MET)
    unknown = sum(1 for _, r in results if r.outcome is Outcome.NOT_DOCUMENTED)
    detail = "; ".join(f"{part.text}: {r.outcome.value} ({r.evidence})" for part, r in results)
    if met >= need:
        return Outcome.MET, f"{met} of {len(results)} met — {detail}"
    if met + unknown < need:
        return Outcome.NOT_MET, f"{met} of {len(results)} met — {detail}"
    return Outcome.NOT_DOCUMENTED, f"{met} of {len(results)} met, {unknown} not documented — {detail}"


Check = Callable[[Criterion, Evidence], tuple[Outcome, str]]
# kind → (evaluator, required parameters)
KINDS: dict[str, tuple[Check, frozenset[str]]] = {
    "acute_on_imaging": (_acute, frozenset()),
    "pain_min": (_pain_min, frozenset({"inpatient", "outpatient"})),
    "worsening_or_pain_min": (_worsening_or_pain, frozenset({"min"})),
    "height_loss_over": (_height_loss_over, frozenset({"percent"})),
    "rdq_over": (_rdq_over, frozenset({"score"})),
    "weeks_min": (_weeks_min, frozenset({"fact", "weeks"})),
    "documented": (_documented, frozenset({"fact"})),
    "levels_max": (_levels_max, frozenset({"levels"})),
    "levels_within": (_levels_within, frozenset({"from", "to"})),
    "imaging_age_max_days": (_imaging_age_max, frozenset({"days"})),
    "at_least": (_at_least, frozenset({"count"})),
}


def evaluate_criterion(c: Criterion, e: Evidence) -> Result:
    outcome, evidence = KINDS[c.kind][0](c, e)
    return Result(criterion_id=c.id, text=c.text, outcome=outcome, evidence=evidence)


def evaluate(record: PayerRecord, e: Evidence) -> list[Result]:
    return [evaluate_criterion(c, e) for c in record.criteria]


def overall(results: list[Result]) -> Outcome:
    if any(r.outcome is Outcome.NOT_MET for r in results):
        return Outcome.NOT_MET
    if any(r.outcome is Outcome.NOT_DOCUMENTED for r in results):
        return Outcome.NOT_DOCUMENTED
    return Outcome.MET


def _criterion(raw: Any, where: str) -> Criterion:
    if not isinstance(raw, dict):
        raise PayerCriteriaError(where, "a criterion is an object")
    for key in ("id", "text", "kind"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise PayerCriteriaError(where, f"'{key}' is required")
    where = f"{where} {raw['id']}"
    kind = raw["kind"]
    if kind not in KINDS:
        raise PayerCriteriaError(where, f"unknown kind {kind!r}")
    params = {k: v for k, v in raw.items() if k not in ("id", "text", "kind", "of")}
    required = KINDS[kind][1]
    if set(params) != required:
        raise PayerCriteriaError(where, f"{kind} takes exactly: {', '.join(sorted(required)) or 'nothing'}")
    for key, value in params.items():
        if key == "fact":
            allowed = WEEK_FACTS if kind == "weeks_min" else YES_NO_FACTS
            if value not in allowed:
                raise PayerCriteriaError(where, f"fact must be one of {', '.join(allowed)}")
        elif key in ("from", "to"):
            try:
                parse_level(str(value))
            except CodingError as exc:
                raise PayerCriteriaError(where, str(exc)) from None
        elif isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise PayerCriteriaError(where, f"{key} must be a number ≥ 0")
    parts: tuple[Criterion, ...] = ()
    if kind == "at_least":
        of = raw.get("of")
        if not isinstance(of, list) or not of or int(params["count"]) > len(of):
            raise PayerCriteriaError(where, "'of' lists at least 'count' criteria")
        parts = tuple(_criterion(p, where) for p in of)
    elif "of" in raw:
        raise PayerCriteriaError(where, "only at_least takes 'of'")
    return Criterion(id=raw["id"], text=raw["text"], kind=kind, params=params, parts=parts)


def parse_record(raw: Any) -> PayerRecord:
    if not isinstance(raw, dict) or raw.get("schema") != SCHEMA:
        raise PayerCriteriaError("schema", f"must be {SCHEMA}")
    allowed = {"schema", "id", "payer", "version", "source", "source_note", "criteria"}
    if set(raw) - allowed:
        raise PayerCriteriaError("record", f"unknown fields: {', '.join(sorted(set(raw) - allowed))}")
    for key in ("id", "payer", "version", "source"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise PayerCriteriaError(key, "is required")
    criteria = raw.get("criteria")
    if not isinstance(criteria, list) or not criteria:
        raise PayerCriteriaError("criteria", "at least one criterion")
    parsed = tuple(_criterion(c, f"criteria[{i}]") for i, c in enumerate(criteria))
    ids = [c.id for c in parsed]
    if len(set(ids)) != len(ids):
        raise PayerCriteriaError("criteria", "criterion ids must be unique")
    return PayerRecord(id=raw["id"], payer=raw["payer"], version=raw["version"], source=raw["source"],
                       source_note=str(raw.get("source_note", "")), criteria=parsed)


def shipped_records() -> dict[str, dict[str, Any]]:
    """The records shipped with kyphoplan, raw (as the practice would edit them), by id: a fresh
    copy each call, so a caller may edit it."""
    return copy.deepcopy(_shipped())


@cache
def _shipped() -> dict[str, dict[str, Any]]:
    folder = resources.files("kyphoplan.clinical.data.payers")
    out: dict[str, dict[str, Any]] = {}
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".json"):
            raw = json.loads(entry.read_text(encoding="utf-8"))
            record = parse_record(raw)
            if entry.name != f"{record.id}.json":
                raise PayerCriteriaError(entry.name, f"file name must be {record.id}.json")
            out[record.id] = raw
    return out
