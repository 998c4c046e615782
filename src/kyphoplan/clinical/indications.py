"""Why the patient takes a blood thinner (REFERENCE.md §4a): the contract's
`indications` facts, and the same facts read from a medicine line's own words.

"Brilinta 90 mg bid - DES placed 2026-10-20", "warfarin for mechanical mitral
valve", "Eliquis - afib, CHA2DS2-VASc 7", "Xarelto por trombosis hace 2 meses".
Reading is deliberately narrow: a word is taken only when it names the
indication; anything it cannot date is left undated (and the rules treat an
undated stent or event as recent: fail closed). Pure: dates relative to the
plan's `as_of` day are computed from the day passed in, never from the clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from kyphoplan.clinical.recognition_text import fold


class IndicationKind(StrEnum):
    CORONARY_STENT = "coronary-stent"
    MECHANICAL_VALVE = "mechanical-valve"
    ATRIAL_FIBRILLATION = "atrial-fibrillation"
    STROKE_OR_TIA = "stroke-or-tia"
    VTE = "vte"
    THROMBOPHILIA = "thrombophilia"


class StentType(StrEnum):
    DRUG_ELUTING = "drug-eluting"
    BARE_METAL = "bare-metal"
    BALLOON_ONLY = "balloon-only"
    UNKNOWN = "unknown"


class ValvePosition(StrEnum):
    MITRAL = "mitral"
    AORTIC = "aortic"
    TRICUSPID = "tricuspid"
    UNKNOWN = "unknown"


class ValveType(StrEnum):
    BILEAFLET = "bileaflet"
    CAGED_BALL = "caged-ball"
    TILTING_DISC = "tilting-disc"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Indication:
    """One reason for a blood thinner. Fields that do not apply stay None.
    `origin` is "facts" or the medicine line the words were read from."""

    kind: IndicationKind
    date: date | None = None
    stent: StentType | None = None
    position: ValvePosition | None = None
    valve_type: ValveType | None = None
    cha2ds2_vasc: int | None = None
    chads2: int | None = None
    rheumatic: bool | None = None
    severe: bool | None = None
    origin: str = "facts"


_MONTHS = {
    "jan": 1, "january": 1, "enero": 1, "ene": 1,
    "feb": 2, "february": 2, "febrero": 2,
    "mar": 3, "march": 3, "marzo": 3,
    "apr": 4, "april": 4, "abril": 4, "abr": 4,
    "may": 5, "mayo": 5,
    "jun": 6, "june": 6, "junio": 6,
    "jul": 7, "july": 7, "julio": 7,
    "aug": 8, "august": 8, "agosto": 8, "ago": 8,
    "sep": 9, "sept": 9, "september": 9, "septiembre": 9, "setiembre": 9,
    "oct": 10, "october": 10, "octubre": 10,
    "nov": 11, "november": 11, "noviembre": 11,
    "dec": 12, "december": 12, "diciembre": 12, "dic": 12,
}  # fmt: skip
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "un": 1, "una": 1, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
    "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12,
}  # fmt: skip
_UNIT_DAYS = {"day": 1, "dia": 1, "week": 7, "semana": 7, "month": 30, "mes": 30, "year": 365, "ano": 365}
_COUNT = r"(\d{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
_UNIT = r"(days?|dias?|weeks?|wks?|semanas?|months?|mos?|mes|meses|years?|yrs?|anos?)"
_AGO = re.compile(rf"\b{_COUNT}\s*{_UNIT}\s+(?:ago|back)\b")
_HACE = re.compile(rf"\bhace\s+{_COUNT}\s*{_UNIT}\b")
_ISO = re.compile(r"\b(20\d\d|19\d\d)-(\d{1,2})-(\d{1,2})\b")
_US = re.compile(r"\b(\d{1,2})/(\d{1,2})/(20\d\d|\d\d)\b")
_MONTH_YEAR = re.compile(r"\b([a-z]{3,10})\.?\s+(?:de\s+|of\s+)?(20\d\d)\b")
_NUMERIC_MONTH_YEAR = re.compile(r"\b(\d{1,2})/(20\d\d)\b")
_LAST = re.compile(r"\b(?:last|past)\s+(week|month|year)\b|\b(?:la\s+)?(semana|mes|ano)\s+pasad[oa]\b")

_STENT = re.compile(
    r"\bstents?\b|\bstented\b|\bdes\b|\bbms\b|\bpci\b|\bptca\b|drug[\s-]*eluting|bare[\s-]*metal"
    r"|angioplast\w*|endoprotesis|\bmuelles?\b|cateterismo|cardiac\s+cath\w*"
)
_DES = re.compile(r"\bdes\b|drug[\s-]*eluting|liberador\w*\s+de\s+farmaco\w*|farmacoactiv\w*|recubierto")
_BMS = re.compile(r"\bbms\b|bare[\s-]*metal|metal\s+desnudo|convencional")
_STENT_WORD = re.compile(r"\bstents?\b|\bstented\b|\bdes\b|\bbms\b|endoprotesis|\bmuelles?\b|eluting|bare")
_BALLOON = re.compile(r"balloon|balon|\bpoba\b|ptca|angioplast")

_VALVE = re.compile(r"valv\w*|\bmvr\b|\bavr\b|st\.?\s+jude|starr|bjork|medtronic\s+hall|on-?x\b")
_MECHANICAL = re.compile(
    r"mechanic\w*|mecanic\w*|metal\w*|\bmvr\b|\bavr\b|st\.?\s+jude|starr|bjork|medtronic\s+hall"
    r"|on-?x\b|caged|tilting|bileaflet|bivalv\w*|disco\s+basculante|jaula"
)
_TISSUE = re.compile(r"tissue|bioprosthe\w*|biologic\w*|porcine|bovine|porcin\w*|tavr|tavi")
_MITRAL = re.compile(r"mitral|\bmvr\b")
_AORTIC = re.compile(r"aort\w*|\bavr\b")
_TRICUSPID = re.compile(r"tricusp\w*")
_CAGED = re.compile(r"caged[\s-]*ball|starr|bola\s+enjaulada|jaula")
_TILTING = re.compile(r"tilting[\s-]*disc|bjork|medtronic\s+hall|disco\s+basculante")
_BILEAFLET = re.compile(r"bileaflet|st\.?\s+jude|on-?x\b|bivalv\w*|bidisco")
_RHEUMATIC = re.compile(r"rheumat\w*|reumat\w*|mitral\s+stenosis|estenosis\s+mitral")

_AF = re.compile(
    r"\bafib\b|\ba-?fib\b|\baf\b|atrial\s+fib\w*|\bfibrilacion\s+auricular|\bfibrilacion\b|\bfa\b\s*(?:no\s+valvular)?"
    r"|\bnvaf\b"
)
_CHA2DS2 = re.compile(r"cha\s*[2₂]?\s*ds\s*[2₂]?\s*-?\s*vas\s*c?\s*(?:score\s*)?(?:of\s*|de\s*|=\s*|:\s*)?(\d)\b")
_CHADS2 = re.compile(r"\bchads\s*[2₂]?\s*(?:score\s*)?(?:of\s*|de\s*|=\s*|:\s*)?(\d)\b")

_STROKE = re.compile(
    r"\bstroke\b|\bcva\b|\btia\b|mini[\s-]*stroke|transient\s+isch\w*|\bictus\b|derrame\s+cerebral"
    r"|embolia\s+cerebral|infarto\s+cerebral|accidente\s+(?:cerebro\s*)?vascular|\bacv\b|\bait\b"
)
_VTE = re.compile(
    r"\bdvt\b|\bpe\b|\bvte\b|pulmonary\s+emboli\w*|deep\s+vein\w*|blood\s+clots?\s+(?:in|on)\s+(?:my\s+|the\s+)?"
    r"(?:legs?|lungs?|calf)|\bclots?\s+in\s+(?:my\s+|the\s+)?(?:legs?|lungs?)|trombosis\s+venosa|\btvp\b"
    r"|embolia\s+pulmonar|tromboembolismo|\btep\b|coagulos?\s+en\s+(?:la\s+|el\s+|los\s+|las\s+)?"
    r"(?:piernas?|pulmon\w*)|\btrombosis\b|\bthrombosis\b"
)
_THROMBOPHILIA = re.compile(
    r"thrombophilia|trombofilia|factor\s+v\s+leiden|factor\s+5\s+leiden|\bfvl\b|prothrombin\s+(?:gene\s+)?mutation"
    r"|protrombina|protein\s+[cs]\s+deficien\w*|deficiencia\s+de\s+proteina\s+[cs]|antithrombin\w*\s+(?:iii\s+)?"
    r"deficien\w*|deficiencia\s+de\s+antitrombina|antiphospholipid|antifosfolip\w*|lupus\s+anticoagulant"
    r"|clotting\s+disorder|hypercoagul\w*|hipercoagul\w*"
)
_SEVERE_THROMBOPHILIA = re.compile(
    r"protein\s+[cs]\s+deficien\w*|deficiencia\s+de\s+proteina\s+[cs]|antithrombin|antitrombina|homozyg\w*"
    r"|homocig\w*|multiple|multiples|combined|combinad\w*"
)
_MILD_THROMBOPHILIA = re.compile(r"heterozyg\w*|heterocig\w*")


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _count(word: str) -> int | None:
    return int(word) if word.isdigit() else _NUMBER_WORDS.get(word)


def _unit_days(unit: str) -> int:
    unit = unit.rstrip("s")
    for prefix, days in _UNIT_DAYS.items():
        if unit.startswith(prefix[:3]) or unit == prefix:
            return days
    return {"wk": 7, "mo": 30, "yr": 365, "mese": 30}.get(unit, 30)


def read_date(folded: str, today: date) -> date | None:
    """The first date the text gives: ISO, US m/d/y, "October 2026", "10/2026",
    "2 months ago", "hace 2 meses", "last month". A month alone is read as its last
    day (the most recent it can be: a window is never judged over on a guess). A
    date after `today` (a typo) is read as no date at all."""
    found = _read_date(folded, today)
    return found if found is not None and found <= today else None


def _read_date(folded: str, today: date) -> date | None:
    if match := _ISO.search(folded):
        return _day(int(match[1]), int(match[2]), int(match[3]))
    if match := _US.search(folded):
        year = int(match[3]) + (2000 if len(match[3]) == 2 else 0)
        return _day(year, int(match[1]), int(match[2]))
    for pattern in (_AGO, _HACE):
        if match := pattern.search(folded):
            count = _count(match[1])
            if count is not None:
                return today - timedelta(days=count * _unit_days(match[2]))
    if match := _LAST.search(folded):
        unit = match[1] or match[2]
        return today - timedelta(days=_unit_days(unit))
    if match := _MONTH_YEAR.search(folded):
        month = _MONTHS.get(match[1])
        if month is not None:
            return min(_last_day_of_month(int(match[2]), month), today)
    if (match := _NUMERIC_MONTH_YEAR.search(folded)) and 1 <= int(match[1]) <= 12:
        return min(_last_day_of_month(int(match[2]), int(match[1])), today)
    return None


def _last_day_of_month(year: int, month: int) -> date:
    # A month without a day is read as its last day: the most recent it can be,
    # so a window is never judged over on a guess (fail closed).
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def _stent(folded: str, line: str, today: date) -> Indication | None:
    if not _STENT.search(folded):
        return None
    has_stent = _STENT_WORD.search(folded) is not None
    if _DES.search(folded):
        kind = StentType.DRUG_ELUTING
    elif _BMS.search(folded):
        kind = StentType.BARE_METAL
    elif not has_stent and _BALLOON.search(folded):
        kind = StentType.BALLOON_ONLY
    else:
        kind = StentType.UNKNOWN
    return Indication(IndicationKind.CORONARY_STENT, date=read_date(folded, today), stent=kind, origin=line)


def _valve(folded: str, line: str) -> Indication | None:
    if not _VALVE.search(folded) or not _MECHANICAL.search(folded) or _TISSUE.search(folded):
        return None
    if _MITRAL.search(folded):
        position = ValvePosition.MITRAL
    elif _AORTIC.search(folded):
        position = ValvePosition.AORTIC
    elif _TRICUSPID.search(folded):
        position = ValvePosition.TRICUSPID
    else:
        position = ValvePosition.UNKNOWN
    if _CAGED.search(folded):
        valve_type = ValveType.CAGED_BALL
    elif _TILTING.search(folded):
        valve_type = ValveType.TILTING_DISC
    elif _BILEAFLET.search(folded):
        valve_type = ValveType.BILEAFLET
    else:
        valve_type = ValveType.UNKNOWN
    return Indication(IndicationKind.MECHANICAL_VALVE, position=position, valve_type=valve_type, origin=line)


def _af(folded: str, line: str) -> Indication | None:
    score = _CHA2DS2.search(folded)
    chads = None if score else _CHADS2.search(folded)
    if not (_AF.search(folded) or score or chads):
        return None
    return Indication(
        IndicationKind.ATRIAL_FIBRILLATION,
        cha2ds2_vasc=int(score[1]) if score else None,
        chads2=int(chads[1]) if chads else None,
        rheumatic=True if _RHEUMATIC.search(folded) else None,
        origin=line,
    )


def _after(pattern: re.Pattern[str], folded: str) -> str:
    """The text from the first match on: the date that follows "stroke" is the stroke's."""
    match = pattern.search(folded)
    return folded[match.start() :] if match else folded


def read_indications(line: str, today: date) -> tuple[Indication, ...]:
    """Every indication a medicine line states in its own words (EN/ES)."""
    folded = fold(line)
    found: list[Indication] = []
    if stent := _stent(folded, line, today):
        found.append(stent)
    if valve := _valve(folded, line):
        found.append(valve)
    if af := _af(folded, line):
        found.append(af)
    if _STROKE.search(folded):
        day = read_date(_after(_STROKE, folded), today)
        found.append(Indication(IndicationKind.STROKE_OR_TIA, date=day, origin=line))
    if _VTE.search(folded):
        day = read_date(_after(_VTE, folded), today)
        found.append(Indication(IndicationKind.VTE, date=day, origin=line))
    if _THROMBOPHILIA.search(folded):
        severe: bool | None = None
        if _SEVERE_THROMBOPHILIA.search(folded):
            severe = True
        elif _MILD_THROMBOPHILIA.search(folded):
            severe = False
        found.append(Indication(IndicationKind.THROMBOPHILIA, severe=severe, origin=line))
    return tuple(found)
