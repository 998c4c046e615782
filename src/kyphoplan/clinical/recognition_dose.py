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
    "g": "g", "gm": "g", "gms": "g", "gram": "g", "grams": "g", "gramo": "g", "gramos": "g", "gr": "g",
    "u": "units", "unit": "units", "units": "units", "iu": "units", "ui": "units",
    "unidad": "units", "unidades": "units", "uds": "units", "ud": "units",
    "ut": "units", "ml": "ml", "cc": "ml", "meq": "meq", "%": "%",
    "l": "l", "lpm": "l", "liter": "l", "liters": "l", "litre": "l", "litres": "l", "litros": "l",
}  # fmt: skip
# "50 mcg/hr", "1 mg/kg", "50 MCG/ACT": the part after the slash qualifies the unit.
_PER = {
    "hr": "/hr", "h": "/hr", "hour": "/hr", "hora": "/hr", "day": "/day", "d": "/day", "dia": "/day",
    "24h": "/day", "24hr": "/day", "24hrs": "/day", "kg": "/kg", "min": "/min",
    "act": "", "actuation": "", "dose": "", "dosis": "", "puff": "", "spray": "", "inh": "",
}  # fmt: skip
_UNIT = r"(?:mgs?|milligrams?|miligramos?|mcgs?|ug|micrograms?|microgramos|gms?|grams?|gramos?|gr|g|units?|unidad(?:es)?|uds?|iu|ui|ut|u|ml|cc|meq|%|lpm|lit(?:er|re)s?|litros|l)"
_PER_UNIT = r"(?:\s*/\s*(hr|h|hour|hora|day|d|dia|24\s*hrs?|24\s*h|kg|min|act|actuation|dose|dosis|puff|spray|inh)\b)?"
_NUMBER = r"(?:\d+(?:[.,]\d+)*|\.\d+)"
# Concentrations are not doses ("100 units/mL", "U-100"); "40 MG/0.4ML" (a
# prefilled syringe) is, and keeps its amount.
_CONCENTRATION = re.compile(
    rf"{_NUMBER}\s*{_UNIT}\s*/\s*(?:1\s*)?(?:ml|cc)\b|\bu\s*-?\s*(?:100|200|300|500)\b"
)
_PHONE = re.compile(r"\(?\b\d{3}\)?[-.\s]\d{3}[-.\s]\d{4}\b|\b\d{3}-\d{4}\b")
# "filled 11/20", "since 3/2021": dates, not "50/1000" strengths.
_DATE_BEFORE = re.compile(
    r"(?:since|on|last|filled|refilled|started|stopped|until|from|date|dated|desde|hasta|el|fecha"
    r"|dose\s+was|taken)\s*$"
)
_PER_VOLUME = re.compile(r"/\s*\d+(?:\.\d+)?\s*(?:ml|cc)\b")
# "25 MCG (1000 UT)", "108 (90 Base) MCG/ACT": an equivalent strength, not a second dose.
_EQUIVALENT = re.compile(r"\(\s*\d[^()]*\)")
_EQUIVALENT_AFTER_NUMBER = re.compile(r"(?<=\d)\s*\(\s*\d[^()]*\)")
_COMBINATION = re.compile(
    rf"(?<![\w.#/]){_NUMBER}(?:\s*{_UNIT})?(?:\s*/\s*{_NUMBER}(?:\s*{_UNIT})?)+(?![\w/])"
)
_RANGE = re.compile(rf"(?<![\w.#/])({_NUMBER})\s*(?:-|to|a)\s*({_NUMBER})(?:\s*({_UNIT}))?(?![a-z\d/])")
_SINGLE = re.compile(rf"(?<![\w.#/])({_NUMBER})\s*(?:({_UNIT}){_PER_UNIT})?(?![a-z\d/])")
_COUNT_AFTER = re.compile(
    r"\s*(?:x\b|times?\b|veces\b|vez\b|tabs?\b|tablets?\b|caps?\b|capsules?\b|pills?\b|puffs?\b"
    r"|sprays?\b|drops?\b|patch(?:es)?\b|inhalations?\b|softgels?\b|gummies\b|gummy\b|chews?\b"
    r"|scoops?\b|packets?\b|sachets?\b|pastillas?\b|tabletas?\b|capsulas?\b|comprimidos?\b|gotas?\b"
    r"|disparos?\b|inhalaciones\b|sobres?\b|days?\b|dias?\b|weeks?\b|semanas?\b|months?\b|meses\b"
    r"|years?\b|anos?\b|hours?\b|hrs?\b|horas?\b|minutes?\b|min\b|am\b|pm\b|a\.m|p\.m|:|lbs?\b|kg\b"
    r"|refills?\b|pack\b|-?\s*day\b|of\s+them\b|y\s+media\b|and\s+a\s+half\b|levels?\b|cups?\b|oz\b)"
)
_COUNT_BEFORE = re.compile(
    r"(?:\bx|#|\bq|\bevery|\bcada|\bno\.|\bat|\ba\s+las|@|\bnumber|\bage|\baged|>|<|\bover"
    r"|\bunder|\bolder\s+than|\bedad|\bmayor\s+de|\bweight|\bpeso|\bgfr|\bcrcl|\binr)\s*:?\s*$"
)
_YEAR_BEFORE = re.compile(r"(?:since|in|from|until|desde|en|year|ano|started|stopped)\s*$")
_VARIABLE = re.compile(
    r"\b(?:sliding\s+scale|ssi|per\s+scale|escala(?:\s+movil)?|varies|variable|vary|as\s+directed"
    r"|per\s+inr|depending|depends|alternat\w*|titrat\w*|per\s+protocol|segun\s+(?:glucosa|azucar|inr"
    r"|indicaciones|el\s+azucar|la\s+glucosa)|de\s+acuerdo\s+(?:a|al|con)\s+(?:la\s+)?(?:glucosa|azucar)"
    r"|carb\s+ratio|per\s+carbs?|correction\s+scale|inr|dosis\s+variable)\b"
)


@dataclass(frozen=True)
class Strength:
    amounts: tuple[float, ...]  # one per ingredient for "50/1000"; a range gives its low end
    unit: str | None
    ranged: tuple[float, float] | None = None  # "10-12 units", or "5-325 mg" for two ingredients


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
    text = _PHONE.sub(_spaces, text)
    text = _CONCENTRATION.sub(_spaces, text)
    text = _PER_VOLUME.sub(_spaces, text)
    text = _EQUIVALENT_AFTER_NUMBER.sub(_spaces, text)
    strengths: list[tuple[int, Strength]] = []
    taken: list[tuple[int, int]] = []

    def free(match: re.Match[str]) -> bool:
        return all(match.end() <= s or match.start() >= e for s, e in taken)

    for match in _COMBINATION.finditer(text):
        if _COUNT_AFTER.match(text, match.end()) or _DATE_BEFORE.search(text[: match.start()]):
            continue  # "1/2 tab" is a count, "filled 11/20" a date
        parts = re.findall(rf"({_NUMBER})\s*({_UNIT})?", match.group())
        values = [parse_number(number) for number, _ in parts]
        units = {_unit(unit) for _, unit in parts if unit}
        amounts = tuple(value for value in values if value is not None)
        if len(amounts) != len(values):
            continue
        strengths.append((match.start(), Strength(amounts, units.pop() if len(units) == 1 else None)))
        taken.append(match.span())
    for match in _RANGE.finditer(text):
        low, high = parse_number(match.group(1)), parse_number(match.group(2))
        if not free(match) or low is None or high is None or _COUNT_AFTER.match(text, match.end()):
            continue
        strengths.append((match.start(), Strength((low,), _unit(match.group(3)), (low, high))))
        taken.append(match.span())
    for match in _SINGLE.finditer(text):
        if not free(match):
            continue
        unit = _unit(match.group(2))
        if unit is None and _not_a_strength(text, match):
            continue
        if unit is not None and match.group(3):
            unit += _PER[re.sub(r"\s+", "", match.group(3))]
        value = parse_number(match.group(1))
        if value is not None:
            strengths.append((match.start(), Strength((value,), unit)))
            taken.append(match.span())
    strengths.sort(key=lambda item: item[0])
    kept = _without_equivalents(text, strengths)
    return DoseReading(tuple(kept), _VARIABLE.search(text) is not None)


def _spaces(match: re.Match[str]) -> str:
    return " " * len(match.group())


def _without_equivalents(text: str, strengths: list[tuple[int, Strength]]) -> list[Strength]:
    """Drop a strength in brackets right after another one ("25 MCG (1000 UT)")."""
    brackets = [m.span() for m in _EQUIVALENT.finditer(text)]
    kept: list[Strength] = []
    for position, strength in strengths:
        inside = any(start < position < end for start, end in brackets)
        if inside and kept:
            continue
        kept.append(strength)
    return kept


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
    # "20mg 1 po qd", "Tylenol 500 2 q6": after a strength, a bare 1-4 is a tablet count.
    strengths = tuple(
        s for i, s in enumerate(strengths) if i == 0 or s.unit is not None or not _small_count(s)
    )
    if count == 1:
        singles = [s for s in strengths if len(s.amounts) == 1]
        if any(s.unit is not None for s in singles):
            # Unit-less ranges are counts or phone-like noise next to a stated strength,
            # and "= 2000 mg/day" restates a total: neither makes the dose variable.
            singles = [
                s
                for s in singles
                if not (s.ranged and s.unit is None) and not (s.unit or "").endswith("/day")
            ] or singles
        if not singles:
            if implied is not None:
                return Dose(implied.amount, implied.unit, variable=variable)
            return Dose(None, None, variable=True) if variable else None
        first = singles[0]
        distinct = {s.amounts[0] for s in singles}
        variable = variable or len(distinct) > 1 or any(s.ranged for s in singles)
        return Dose(first.amounts[0], first.unit or ingredient_units[0], variable=variable)
    combined = [s.amounts for s in strengths if len(s.amounts) == count]
    combined += [s.ranged for s in strengths if s.ranged is not None and count == 2]
    units = [s.unit for s in strengths if len(s.amounts) == count or s.ranged]
    if combined:
        return Dose(None, units[0] if units else None, combined[0], variable=variable)
    singles = [s for s in strengths if len(s.amounts) == 1 and s.ranged is None]
    if len(singles) == count:
        stated = {s.unit for s in singles if s.unit}
        unit = stated.pop() if len(stated) == 1 else None
        return Dose(None, unit, tuple(s.amounts[0] for s in singles), variable=variable)
    return Dose(None, None, variable=True) if variable else None


def _small_count(strength: Strength) -> bool:
    return len(strength.amounts) == 1 and strength.amounts[0] in (1.0, 2.0, 3.0, 4.0)
