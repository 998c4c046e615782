"""The candidacy checklist (REFERENCE §12): indications, absolute and relative contraindications.

The items are data (`data/candidacy/checklist.json`, each with a stable id and its sources).
Each answer is present / absent / not assessed; a few items are computed from the imaging
(vertebra plana from the heights, retropulsion and acute fracture from the radiologist's
entries) and the computed answer wins over a typed one only when it says "present".

Absolute contraindications answered "present" block booking until a radiologist records an
override with a reason; relative ones are flags. Nothing unanswered is read as "absent":
the checklist cannot be signed while an item is not assessed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources

SCHEMA = "kyphoplan.candidacy-checklist/1"


class ItemKind(StrEnum):
    INDICATION = "indication"
    ABSOLUTE = "absolute"
    RELATIVE = "relative"

    @property
    def label(self) -> str:
        return {"indication": "Indication", "absolute": "Absolute contraindication",
                "relative": "Relative contraindication"}[self.value]


class Answer(StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    NOT_ASSESSED = "not_assessed"

    @property
    def label(self) -> str:
        """What staff and the payer read (the value is the stored code)."""
        return {"present": "Present", "absent": "Absent", "not_assessed": "Not assessed"}[self.value]


COMPUTED = ("acute_on_imaging", "retropulsion", "vertebra_plana")


@dataclass(frozen=True)
class Item:
    id: str
    kind: ItemKind
    text: str
    source: str
    computed: str | None


@dataclass(frozen=True)
class Checklist:
    version: str
    items: tuple[Item, ...]

    def item(self, item_id: str) -> Item:
        return next(i for i in self.items if i.id == item_id)


@cache
def checklist() -> Checklist:
    raw = json.loads(resources.files("kyphoplan.clinical.data.candidacy").joinpath("checklist.json")
                     .read_text(encoding="utf-8"))
    if raw.get("schema") != SCHEMA:
        raise ValueError(f"checklist.json: schema must be {SCHEMA}")
    items = []
    for entry in raw["items"]:
        computed = entry.get("computed")
        if computed is not None and computed not in COMPUTED:
            raise ValueError(f"checklist.json {entry['id']}: unknown computed fact {computed!r}")
        items.append(Item(id=entry["id"], kind=ItemKind(entry["kind"]), text=entry["text"], source=entry["source"],
                          computed=computed))
    ids = [i.id for i in items]
    if len(set(ids)) != len(ids):
        raise ValueError("checklist.json: duplicate item ids")
    return Checklist(version=raw["version"], items=tuple(items))


@dataclass(frozen=True)
class Line:
    item: Item
    answer: Answer
    computed: bool  # the answer comes from the imaging entries
    overridden: bool


@dataclass(frozen=True)
class Review:
    lines: tuple[Line, ...]

    @property
    def blocking(self) -> list[Line]:
        """Absolute contraindications present and not overridden: booking is refused."""
        return [ln for ln in self.lines
                if ln.item.kind is ItemKind.ABSOLUTE and ln.answer is Answer.PRESENT and not ln.overridden]

    @property
    def overridden(self) -> list[Line]:
        return [ln for ln in self.lines if ln.overridden]

    @property
    def flags(self) -> list[Line]:
        return [ln for ln in self.lines if ln.item.kind is ItemKind.RELATIVE and ln.answer is Answer.PRESENT]

    @property
    def unassessed(self) -> list[Line]:
        return [ln for ln in self.lines if ln.answer is Answer.NOT_ASSESSED]

    @property
    def indications_missing(self) -> list[Line]:
        return [ln for ln in self.lines if ln.item.kind is ItemKind.INDICATION and ln.answer is not Answer.PRESENT]

    @property
    def signable(self) -> bool:
        return not self.unassessed


def review(answers: Mapping[str, str], computed: Mapping[str, bool | None],
           overrides: frozenset[str] = frozenset()) -> Review:
    """answers: item id → Answer value (missing = not assessed); computed: fact → True/False/None;
    overrides: ids of absolute items a radiologist has overridden."""
    lines = []
    for item in checklist().items:
        answer = Answer(answers.get(item.id, Answer.NOT_ASSESSED))
        from_imaging = False
        if item.computed is not None:
            fact = computed.get(item.computed)
            if fact is True or (fact is False and answer is Answer.NOT_ASSESSED):
                answer, from_imaging = (Answer.PRESENT if fact else Answer.ABSENT), True
        lines.append(Line(item=item, answer=answer, computed=from_imaging,
                          overridden=item.kind is ItemKind.ABSOLUTE and item.id in overrides))
    return Review(lines=tuple(lines))
