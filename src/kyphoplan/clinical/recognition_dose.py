"""Strengths in a medicine line: "5mg", "0.5 mg", "81", "30u", "1,000 mg", "50/1000".

Reads folded text from which the names and the frequency phrases have been
blanked, so the "12" of "every 12 hours" or the "70/30" of "Humulin 70/30" never
reach it. Counts of tablets, puffs or drops ("2 tabs") and years ("since 2019")
are not strengths.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kyphoplan.clinical.model import Dose

_UNITS = {
    "mg": "mg", "mgs": "mg", "milligram": "mg", "milligrams": "mg", "miligramos": "mg", "miligramo": "mg",
    "mcg": "mcg", "mcgs": "mcg", "ug": "mcg", "microgram": "mcg", "micrograms": "mcg", "microgramos": "mcg",
    "g": "g", "gm": "g", "gms": "g", "gram": "g", "grams": "g", "gramos": "g", "gr": "g",
    "u": "units", "unit": "units", "units": "units", "iu": "units", "ui": "units",
    "unidad": "units", "unidades": "units", "uds": "units", "ud": "units",
    "ml": "ml", "cc": "ml", "meq": "meq", "%": "%",
}  # fmt: skip
_UNIT = r"(?:mgs?|milligrams?|miligramos?|mcgs?|ug|micrograms?|microgramos|gms?|grams?|gramos|gr|g|units?|unidad(?:es)?|uds?|iu|ui|u|ml|cc|meq|%)"
_NUMBER = r"(?:\d+(?:[.,]\d+)*|\.\d+)"
# Concentrations and per-volume strengths are not doses ("100 units/mL", "U-100").
_CONCENTRATION = re.compile(
    rf"{_NUMBER}\s*{_UNIT}\s*/\s*(?:\d+(?:\.\d+)?\s*)?(?:ml|cc)\b|\bu\s*-?\s*(?:100|200|300|500)\b"
)
_COMBINATION = re.compile(
    rf"(?<![\w.#/]){_NUMBER}(?:\s*{_UNIT})?(?:\s*/\s*{_NUMBER}(?:\s*{_UNIT})?)+(?![\w/])"
)
_RANGE = re.compile(rf"(?<![\w.#/])({_NUMBER})\s*(?:-|to|a)\s*({_NUMBER})\s*({_UNIT})(?![a-z])")
_SINGLE = re.compile(rf"(?<![\w.#/])({_NUMBER})\s*({_UNIT})?(?![a-z\d/])")
_COUNT_AFTER = re.compile(
    r"\s*(?:x\b|times?\b|veces\b|vez\b|tabs?\b|tablets?\b|caps?\b|capsules?\b|pills?\b|puffs?\b"
    r"|sprays?\b|drops?\b|patch(?:es)?\b|inhalations?\b|softgels?\b|gummies\b|gummy\b|chews?\b"
    r"|scoops?\b|packets?\b|sachets?\b|pastillas?\b|tabletas?\b|capsulas?\b|comprimidos?\b|gotas?\b"
    r"|disparos?\b|inhalaciones\b|sobres?\b|days?\b|dias?\b|weeks?\b|semanas?\b|months?\b|meses\b"
    r"|years?\b|anos?\b|hours?\b|hrs?\b|horas?\b|minutes?\b|min\b|am\b|pm\b|a\.m|p\.m|:|lbs?\b|kg\b"
    r"|refills?\b|pack\b|-?\s*day\b|of\s+them\b|y\s+media\b|and\s+a\s+half\b|levels?\b|cups?\b|oz\b)"
)
_COUNT_BEFORE = re.compile(r"(?:\bx|#|\bq|\bevery|\bcada|\bno\.|\bat|\ba\s+las|@|\bnumber)\s*$")
_YEAR_BEFORE = re.compile(r"(?:since|in|from|until|desde|en|year|ano|started|stopped)\s*$")
_VARIABLE = re.compile(
    r"\b(?:sliding\s+scale|ssi|per\s+scale|escala(?:\s+movil)?|varies|variable|vary|as\s+directed"
    r"|per\s+inr|depending|depends|alternat\w*|titrat\w*|per\s+protocol|segun\s+(?:glucosa|azucar|inr"
    r"|indicaciones|el\s+azucar|la\s+glucosa)|de\s+acuerdo\s+(?:a|al|con)\s+(?:la\s+)?(?:glucosa|azucar)"
    r"|carb\s+ratio|per\s+carbs?|correction\s+scale)\b"
)


@dataclass(frozen=True)
class Strength:
    amounts: tuple[float, ...]  # one per ingredient for "50/1000"
    unit: str | None
    ranged: bool = False


@dataclass(frozen=True)
class DoseReading:
    strengths: tuple[Strength, ...]
    variable_words: bool


def parse_number(text: str) -> float | None:
    """'1,000' -> 1000, '2,5' -> 2.5 (Spanish decimal comma), '.5' -> 0.5."""
    text = text.strip()
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", text):
        text = text.replace(",", "")
    elif re.fullmatch(r"\d+,\d+", text):
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value > 0 else None


def _unit(text: str | None) -> str | None:
    return _UNITS.get(text.strip()) if text else None


def read_dose(text: str) -> DoseReading:
    text = _CONCENTRATION.sub(lambda m: " " * len(m.group()), text)
    strengths: list[tuple[int, Strength]] = []
    taken: list[tuple[int, int]] = []
    for match in _COMBINATION.finditer(text):
        if _COUNT_AFTER.match(text, match.end()):
            continue  # "1/2 tab" is a count
        parts = re.findall(rf"({_NUMBER})\s*({_UNIT})?", match.group())
        values = [parse_number(number) for number, _ in parts]
        units = {_unit(unit) for _, unit in parts if unit}
        if any(value is None for value in values):
            continue
        unit = units.pop() if len(units) == 1 else None
        strengths.append((match.start(), Strength(tuple(v for v in values if v is not None), unit)))
        taken.append(match.span())
    for match in _RANGE.finditer(text):
        if any(s < match.end() and match.start() < e for s, e in taken):
            continue
        low, high = parse_number(match.group(1)), parse_number(match.group(2))
        if low is not None and high is not None:
            strengths.append((match.start(), Strength((low,), _unit(match.group(3)), ranged=True)))
            taken.append(match.span())
    for match in _SINGLE.finditer(text):
        if any(s < match.end() and match.start() < e for s, e in taken):
            continue
        unit = _unit(match.group(2))
        if unit is None and _not_a_strength(text, match):
            continue
        value = parse_number(match.group(1))
        if value is not None:
            strengths.append((match.start(), Strength((value,), unit)))
    strengths.sort(key=lambda item: item[0])
    return DoseReading(tuple(s for _, s in strengths), _VARIABLE.search(text) is not None)


def _not_a_strength(text: str, match: re.Match[str]) -> bool:
    if _COUNT_AFTER.match(text, match.end()):
        return True
    number = match.group(1)
    before = text[: match.start()]
    if _COUNT_BEFORE.search(before):
        return True
    return bool(re.fullmatch(r"(?:19|20)\d\d", number) and _YEAR_BEFORE.search(before))


def build_dose(
    reading: DoseReading,
    ingredient_units: tuple[str, ...],
    implied: Dose | None,
    other_days_dose: bool,
) -> Dose | None:
    """The Dose of a line naming these ingredients (units used for bare numbers)."""
    count = len(ingredient_units)
    variable = reading.variable_words or other_days_dose
    strengths = reading.strengths
    if count == 1:
        singles = [s for s in strengths if len(s.amounts) == 1]
        if not singles:
            if implied is not None:
                return Dose(implied.amount, implied.unit, variable=variable)
            return Dose(None, None, variable=True) if variable else None
        first = singles[0]
        distinct = {s.amounts[0] for s in singles}
        variable = variable or len(distinct) > 1 or any(s.ranged for s in singles)
        return Dose(first.amounts[0], first.unit or ingredient_units[0], variable=variable)
    combined = [s for s in strengths if len(s.amounts) == count]
    if combined:
        return Dose(None, combined[0].unit, combined[0].amounts, variable=variable)
    singles = [s for s in strengths if len(s.amounts) == 1]
    if len(singles) == count:
        units = {s.unit for s in singles if s.unit}
        unit = units.pop() if len(units) == 1 else None
        return Dose(None, unit, tuple(s.amounts[0] for s in singles), variable=variable)
    return Dose(None, None, variable=True) if variable else None
