"""Instruments as data: a FHIR Questionnaire plus its scoring rule, one JSON file each
(schema `kyphoplan.instrument/1`).

The repository ships only what REFERENCE §13 lets us ship: the NRS pain scale and our own
plain questions (data/instruments/). A practice that holds a licence for ODI, EQ-5D, RMDQ or
PROMIS writes that instrument in the same format in its own directory, named by
KYPHOPLAN_INSTRUMENTS_DIR; it is loaded and validated at start-up and never enters the
repository (docs/followup.md).

Scoring methods: `item` (one answer), `sum`, `count_true` (RMDQ style: yes answers), and
`percent_of_max` (ODI style: total ÷ (max per item × items answered) × 100).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from kyphoplan.fhir.validate import FhirInvalid, emit
from kyphoplan.followup.timepoints import TimePoint
from kyphoplan.web.env import env_str

BUNDLED = Path(__file__).parent / "data" / "instruments"
SCHEMA = "kyphoplan.instrument/1"
TYPES = {"integer", "choice", "boolean", "text"}
METHODS = {"item", "sum", "count_true", "percent_of_max"}
MIN_URL = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_URL = "http://hl7.org/fhir/StructureDefinition/maxValue"
Answer = int | bool | str


class InstrumentError(ValueError):
    """A broken instrument file: the message names the file and the field."""


@dataclass(frozen=True)
class Item:
    link_id: str
    type: str
    text: dict[str, str]
    required: bool
    low: int | None = None
    high: int | None = None
    options: tuple[tuple[str, dict[str, str]], ...] = ()


@dataclass(frozen=True)
class Score:
    id: str
    label: dict[str, str]
    method: str
    items: tuple[str, ...]
    max_per_item: int = 0


@dataclass(frozen=True)
class Instrument:
    id: str
    title: dict[str, str]
    timepoints: frozenset[TimePoint]
    items: tuple[Item, ...]
    scores: tuple[Score, ...]
    red_flags: tuple[tuple[str, str], ...]
    questionnaire: dict[str, Any]
    bundled: bool

    def score(self, answers: dict[str, Answer]) -> dict[str, float | None]:
        return {s.id: score_of(s, answers) for s in self.scores}

    def flags(self, answers: dict[str, Answer]) -> list[str]:
        return [label for item, label in self.red_flags if answers.get(item) is True]


def score_of(score: Score, answers: dict[str, Answer]) -> float | None:
    given = [answers[i] for i in score.items if answers.get(i) not in (None, "")]
    if not given:
        return None
    if score.method == "item":
        return float(given[0])
    if score.method == "count_true":
        return float(sum(1 for v in given if v is True))
    total = float(sum(int(v) for v in given))
    if score.method == "sum":
        return total
    return round(total / (score.max_per_item * len(given)) * 100, 1)


def _need(cond: bool, where: str, what: str) -> None:
    if not cond:
        raise InstrumentError(f"{where}: {what}")


def _ext(item: dict[str, Any], url: str) -> int | None:
    for e in item.get("extension") or []:
        if e.get("url") == url:
            return int(e["valueInteger"])
    return None


def parse_instrument(data: dict[str, Any], *, where: str, bundled: bool) -> Instrument:
    _need(data.get("schema") == SCHEMA, where, f"schema must be {SCHEMA!r}")
    unknown = set(data) - {"schema", "licence", "timepoints", "questionnaire", "translations", "scores", "red_flags"}
    _need(not unknown, where, f"unknown fields {sorted(unknown)}")
    q = data.get("questionnaire")
    if not isinstance(q, dict) or q.get("resourceType") != "Questionnaire":  # narrows q, where _need cannot
        raise InstrumentError(f"{where}: questionnaire must be a FHIR Questionnaire")
    try:
        emit(q)
    except FhirInvalid as exc:
        raise InstrumentError(f"{where}: questionnaire: {exc}") from None
    qid = str(q.get("id") or "")
    _need(qid.replace("-", "").isalnum(), where, "questionnaire.id must be letters, digits and dashes")
    es = (data.get("translations") or {}).get("es") or {}
    try:
        points = frozenset(TimePoint(t) for t in data.get("timepoints") or [])
    except ValueError:
        raise InstrumentError(f"{where}: timepoints must be among {TimePoint.values}") from None
    _need(bool(points), where, "timepoints is empty")
    items = []
    for raw in q.get("item") or []:
        link, kind = raw.get("linkId"), raw.get("type")
        _need(kind in TYPES, where, f"item {link}: type must be one of {sorted(TYPES)}")
        options = tuple((o["valueCoding"]["code"], {"en": o["valueCoding"].get("display", o["valueCoding"]["code"]),
                                                    "es": (es.get("options") or {}).get(o["valueCoding"]["code"], "")})
                        for o in raw.get("answerOption") or [])
        _need(kind != "choice" or bool(options), where, f"item {link}: a choice needs answerOption")
        low, high = _ext(raw, MIN_URL), _ext(raw, MAX_URL)
        _need(kind != "integer" or (low is not None and high is not None and low <= high), where,
              f"item {link}: an integer needs minValue and maxValue extensions")
        items.append(Item(link, kind, {"en": raw["text"], "es": (es.get("items") or {}).get(link, "")},
                          bool(raw.get("required")), low, high, options))
    links = {i.link_id for i in items}
    _need(len(links) == len(items), where, "duplicate linkId")
    scores = []
    for s in data.get("scores") or []:
        _need(s.get("method") in METHODS, where, f"score {s.get('id')}: method must be one of {sorted(METHODS)}")
        _need(bool(s.get("items")) and set(s["items"]) <= links, where, f"score {s.get('id')}: items must be linkIds")
        _need(s["method"] != "percent_of_max" or int(s.get("max_per_item", 0)) > 0, where,
              f"score {s.get('id')}: percent_of_max needs max_per_item")
        label = s.get("label") or {"en": s["id"]}
        scores.append(Score(s["id"], label if isinstance(label, dict) else {"en": str(label)}, s["method"],
                            tuple(s["items"]), int(s.get("max_per_item", 0))))
    flags = tuple((f["item"], f["label"]) for f in data.get("red_flags") or [])
    _need(all(i in links for i, _ in flags), where, "red_flags must name items")
    return Instrument(qid, {"en": q.get("title", qid), "es": es.get("title", "")}, points, tuple(items),
                      tuple(scores), flags, q, bundled)


def load_file(path: Path, *, bundled: bool) -> Instrument:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InstrumentError(f"{path}: {exc}") from None
    _need(isinstance(data, dict), str(path), "must be a JSON object")
    return parse_instrument(data, where=str(path), bundled=bundled)


def load_all(practice_dir: str) -> dict[str, Instrument]:
    found: dict[str, Instrument] = {}
    files = [(p, True) for p in sorted(BUNDLED.glob("*.json"))]
    if practice_dir:
        folder = Path(practice_dir)
        if not folder.is_dir():
            raise InstrumentError(f"KYPHOPLAN_INSTRUMENTS_DIR {practice_dir!r} is not a directory")
        files += [(p, False) for p in sorted(folder.glob("*.json"))]
    for path, bundled in files:
        inst = load_file(path, bundled=bundled)
        _need(inst.id not in found, str(path), f"instrument id {inst.id!r} is defined twice")
        found[inst.id] = inst
    return found


@cache
def registry() -> dict[str, Instrument]:
    return load_all(env_str("KYPHOPLAN_INSTRUMENTS_DIR"))


def for_timepoint(point: TimePoint) -> list[Instrument]:
    return [i for i in registry().values() if point in i.timepoints]


def item_text(item: Item, language: str) -> str:
    """Spanish where the file gives it; a practice file without Spanish shows English."""
    return item.text.get(language) or item.text["en"]
