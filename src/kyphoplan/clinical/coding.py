"""Billing codes from the planned levels (REFERENCE §1, "Billing codes"; verified-secondary).

CPT: each code covers one vertebral body. The first treated level takes 22513 if it is
thoracic or 22514 if it is lumbar; every further level, thoracic or lumbar, takes one
22515 (add-on). So the region of the *first treated* level decides the first code: the
planned levels are taken in the order the radiologist lists them (treatment order), and
T12 then L1 codes 22513 + 22515 while L1 then T12 codes 22514 + 22515.

ICD-10-CM: M80.08X_ (age-related osteoporosis with current pathological vertebral
fracture) or M80.88X_ (other osteoporosis, e.g. drug-induced or long-term steroids),
with the 7th character from the encounter. Never M48.5- or S22.0-/S32.0- for these.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

SOURCE = "REFERENCE §1 (CPT/ICD-10-CM, verified-secondary)"
CPT_SYSTEM = "http://www.ama-assn.org/go/cpt"
ICD10_SYSTEM = "http://hl7.org/fhir/sid/icd-10-cm"

CPT_THORACIC_FIRST = "22513"
CPT_LUMBAR_FIRST = "22514"
CPT_EACH_ADDITIONAL = "22515"

CPT_TEXT = {
    CPT_THORACIC_FIRST: "Percutaneous vertebral augmentation with cavity creation, one vertebral body, thoracic",
    CPT_LUMBAR_FIRST: "Percutaneous vertebral augmentation with cavity creation, one vertebral body, lumbar",
    CPT_EACH_ADDITIONAL: "Each additional thoracic or lumbar vertebral body (add-on)",
}

_LEVEL = re.compile(r"^(T|L)(\d{1,2})$")
_LAST = {"T": 12, "L": 5}


class CodingError(ValueError):
    pass


class Region(StrEnum):
    THORACIC = "thoracic"
    LUMBAR = "lumbar"


@dataclass(frozen=True, order=True)
class Level:
    """A thoracic or lumbar vertebra; orders cranial to caudal (T1 … T12, L1 … L5)."""

    position: int
    name: str

    @property
    def region(self) -> Region:
        return Region.THORACIC if self.name.startswith("T") else Region.LUMBAR


def parse_level(text: str) -> Level:
    raw = str(text).strip().upper()
    match = _LEVEL.match(raw)
    if match is None or not 1 <= int(match.group(2)) <= _LAST[match.group(1)]:
        raise CodingError(f"{text!r} is not a thoracic or lumbar level (T1–T12, L1–L5): no augmentation code")
    number = int(match.group(2))
    return Level(position=number if match.group(1) == "T" else 12 + number, name=f"{match.group(1)}{number}")


@dataclass(frozen=True)
class CptLine:
    code: str
    level: str
    text: str


def cpt_lines(levels: Sequence[str]) -> list[CptLine]:
    """One code per planned level, in treatment order (see the module's docstring)."""
    if not levels:
        raise CodingError("no planned levels: nothing to code")
    parsed = [parse_level(text) for text in levels]
    names = [lv.name for lv in parsed]
    if len(set(names)) != len(names):
        raise CodingError("a level is planned twice: each code covers one vertebral body")
    first = CPT_THORACIC_FIRST if parsed[0].region is Region.THORACIC else CPT_LUMBAR_FIRST
    codes = [first] + [CPT_EACH_ADDITIONAL] * (len(parsed) - 1)
    return [CptLine(code=code, level=lv.name, text=CPT_TEXT[code]) for code, lv in zip(codes, parsed, strict=True)]


def cpt_codes(levels: Sequence[str]) -> list[str]:
    return [line.code for line in cpt_lines(levels)]


class Osteoporosis(StrEnum):
    AGE_RELATED = "age-related"
    OTHER = "other"  # drug-induced (e.g. long-term steroids) and other named causes


class Encounter(StrEnum):
    """ICD-10-CM 7th characters for M80 (REFERENCE §1: A/D/G/K/P/S)."""

    INITIAL = "A"
    SUBSEQUENT_ROUTINE = "D"
    SUBSEQUENT_DELAYED = "G"
    SUBSEQUENT_NONUNION = "K"
    SUBSEQUENT_MALUNION = "P"
    SEQUELA = "S"


ENCOUNTER_TEXT = {
    Encounter.INITIAL: "initial encounter for fracture",
    Encounter.SUBSEQUENT_ROUTINE: "subsequent encounter, routine healing",
    Encounter.SUBSEQUENT_DELAYED: "subsequent encounter, delayed healing",
    Encounter.SUBSEQUENT_NONUNION: "subsequent encounter, nonunion",
    Encounter.SUBSEQUENT_MALUNION: "subsequent encounter, malunion",
    Encounter.SEQUELA: "sequela",
}

_ICD_STEM = {Osteoporosis.AGE_RELATED: "M80.08X", Osteoporosis.OTHER: "M80.88X"}
_ICD_TEXT = {
    Osteoporosis.AGE_RELATED: "Age-related osteoporosis with current pathological fracture, vertebra(e)",
    Osteoporosis.OTHER: "Other osteoporosis with current pathological fracture, vertebra(e)",
}


@dataclass(frozen=True)
class Diagnosis:
    code: str
    text: str


def icd10(osteoporosis: Osteoporosis, encounter: Encounter) -> Diagnosis:
    kind, seventh = Osteoporosis(osteoporosis), Encounter(encounter)
    return Diagnosis(code=_ICD_STEM[kind] + seventh.value,
                     text=f"{_ICD_TEXT[kind]}, {ENCOUNTER_TEXT[seventh]}")
