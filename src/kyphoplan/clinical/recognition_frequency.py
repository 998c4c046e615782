"""How often: frequency phrases in English and Spanish, as patients and EHRs write them.

Works on folded text (lower case, no accents) in which the medicine names have
already been blanked out. Each phrase found is consumed, so "every 12 hours" is
read once and its "12" is never taken for a dose. Clock times are given only
when the line names a time of day (bedtime, morning, evening, noon, "8 pm").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from kyphoplan.clinical.model import Frequency

BEDTIME = "21:00"
MORNING = "08:00"
NOON = "12:00"
EVENING = "18:00"

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "un": 1, "una": 1, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
}  # fmt: skip
_NUM = r"(\d+|one|two|three|four|five|six|una|uno|un|dos|tres|cuatro|cinco|seis)"
_DAY_NAMES = (
    r"mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?"
    r"|sat(?:urday)?|sun(?:day)?|lun(?:es)?|martes|mie(?:rcoles)?|jue(?:ves)?"
    r"|vie(?:rnes)?|sab(?:ado)?|dom(?:ingo)?"
)
_FULL_DAY = (
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|lunes|martes|miercoles|jueves|viernes|sabado|domingo"
)
_TIMES_LABEL = {BEDTIME: "at bedtime", MORNING: "every morning", EVENING: "every evening", NOON: "at noon"}


@dataclass(frozen=True)
class _Rate:
    per_day: float
    label: str
    weekly: bool = False


@dataclass
class FrequencyReading:
    frequency: Frequency | None
    spans: list[tuple[int, int]]
    other_days_dose: bool  # "5 mg Mon/Wed/Fri, 2.5 other days": a variable daily dose


def _number(text: str) -> int:
    return int(text) if text.isdigit() else _NUMBER_WORDS[text]


def _every_hours(match: re.Match[str]) -> _Rate | None:
    hours = _number(match.group(1))
    if not 1 <= hours <= 72:
        return None
    if hours == 24:
        return _Rate(1.0, "once daily")
    return _Rate(24 / hours, f"every {hours} hours")


def _times_per_day(match: re.Match[str]) -> _Rate | None:
    count = _number(match.group(1))
    return _rate_for_count(count) if 1 <= count <= 12 else None


def _rate_for_count(count: int) -> _Rate:
    labels = {1: "once daily", 2: "twice daily", 3: "three times daily", 4: "four times daily"}
    return _Rate(float(count), labels.get(count, f"{count} times daily"))


def _times_per_week(match: re.Match[str]) -> _Rate | None:
    count = _number(match.group(1))
    if count == 1:
        return _Rate(1 / 7, "weekly", weekly=True)
    return _Rate(count / 7, f"{count} times a week") if 1 < count < 7 else None


def _every_days(match: re.Match[str]) -> _Rate | None:
    days = _number(match.group(1))
    if days == 1:
        return _Rate(1.0, "once daily")
    if days == 2:
        return _Rate(0.5, "every other day")
    if days == 7:
        return _Rate(1 / 7, "weekly", weekly=True)
    return _Rate(1 / days, f"every {days} days") if 2 < days <= 365 else None


def _every_weeks(match: re.Match[str]) -> _Rate | None:
    weeks = _number(match.group(1))
    if weeks == 1:
        return _Rate(1 / 7, "weekly", weekly=True)
    return _Rate(1 / (7 * weeks), f"every {weeks} weeks") if 1 < weeks <= 52 else None


def _every_months(match: re.Match[str]) -> _Rate | None:
    months = _number(match.group(1))
    if months == 1:
        return _Rate(1 / 30, "monthly")
    return _Rate(1 / (30 * months), f"every {months} months") if 1 < months <= 24 else None


def _fixed(rate: _Rate) -> Callable[[re.Match[str]], _Rate | None]:
    return lambda _match: rate


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


_DAILY = _Rate(1.0, "once daily")
_WEEKLY = _Rate(1 / 7, "weekly", weekly=True)

# Rate phrases, most specific first. Each match consumes its text.
_RATE_RULES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], _Rate | None]]] = [
    (_compile(rf"\b(?:q|every|each|cada|c/)\s*{_NUM}(?:\s*(?:-|to|a|or|o)\s*\d+)?\s*(?:h|hr|hrs|hours?|horas?)\b"), _every_hours),
    (_compile(r"\bq\s*(1|2|3|4|6|8|12|24|48|72)(?![\d.,/])(?!\s*(?:d|days?|w|wks?|weeks?|mo|months?|min)\b)"), _every_hours),
    (_compile(rf"\b(?:every|each|cada|q)\s*{_NUM}\s*(?:weeks?|wks?|semanas?)\b"), _every_weeks),
    (_compile(rf"\b(?:every|each|cada|q)\s*{_NUM}\s*(?:months?|mos?|meses|mes)\b"), _every_months),
    (_compile(rf"\b(?:every|each|cada|q)\s*{_NUM}\s*(?:days?|dias?|d)\b"), _every_days),
    (_compile(rf"\b{_NUM}\s*(?:x|times?|veces|vez)\s*(?:a|per|/|each|every|por|a\s+la|en\s+la|cada)?\s*(?:weeks?|wk|semanas?)\b"), _times_per_week),
    (_compile(rf"\b{_NUM}\s*(?:days?|dias?)\s*(?:a|per|/|por|a\s+la|cada)\s*(?:weeks?|wk|semanas?)\b"), _times_per_week),
    (_compile(r"\b(?:twice|2x)\s*(?:a|per|/|each)?\s*(?:weeks?|wk|weekly)\b"), _fixed(_Rate(2 / 7, "2 times a week"))),
    (_compile(rf"\b{_NUM}\s*(?:x|times?|veces|vez)\s*(?:a|per|/|each|every|al|por|en\s+el|cada)?\s*(?:days?|daily|d|dia|diarias?)\b"), _times_per_day),
    (_compile(rf"\bx\s*{_NUM}\s*(?:a|per|/)?\s*(?:days?|daily|d|dia)\b"), _times_per_day),
    (_compile(rf"\b{_NUM}\s*(?:a|per|/|al|por)\s*(?:day|dia)\b"), _times_per_day),
    (_compile(r"\b(?:twice|dos\s+veces)(?!\s*(?:a|per|each|every|al|por|a\s+la|en\s+la)?\s*(?:years?|yr|weeks?|wk|months?|ano|semana|mes))\s*(?:a|per|each|every|al|por)?\s*(?:day|daily|dia|diarias?)?\b"), _fixed(_rate_for_count(2))),
    (_compile(r"\b(?:thrice|three\s+times|tres\s+veces)\b"), _fixed(_rate_for_count(3))),
    (_compile(r"\b(?:four\s+times|cuatro\s+veces)\b"), _fixed(_rate_for_count(4))),
    (_compile(r"\bb\.?\s?i\.?\s?d\.?(?![a-z])"), _fixed(_rate_for_count(2))),
    (_compile(r"\bt\.?\s?i\.?\s?d\.?(?![a-z])"), _fixed(_rate_for_count(3))),
    (_compile(r"\bq\.?\s?i\.?\s?d\.?(?![a-z])"), _fixed(_rate_for_count(4))),
    (_compile(r"\b(?:every\s+other\s+day|q\.?\s?o\.?\s?d\.?(?![a-z])|alternat(?:e|ing)\s+days|on\s+alternate\s+days|cada\s+(?:tercer|otro)\s+dia|un\s+dia\s+si\s+(?:y\s+)?(?:un\s+dia|otro)\s+no|dia\s+por\s+medio|dias\s+alternos)"), _fixed(_Rate(0.5, "every other day"))),
    (_compile(r"\b(?:weekly|once\s+(?:a|per|every|each)\s+week|every\s+week|each\s+week|q\.?\s?(?:week|wk|w)\b|per\s+week|a\s+week|once\s+weekly|semanal(?:mente)?|cada\s+semana|(?:una|1)\s+vez\s+(?:a|por|cada|en)\s+(?:la\s+)?semana|a\s+la\s+semana|por\s+semana|once-weekly)"), _fixed(_WEEKLY)),
    (_compile(rf"\b(?:every|each|on|q|cada|los|el)\s+(?:{_FULL_DAY})s?\b|\b(?:mondays|tuesdays|wednesdays|thursdays|fridays|saturdays|sundays)\b"), _fixed(_WEEKLY)),
    # A weekday on its own ("Fosamax 70 mg Sunday"), unless it dates something ("held since Monday").
    (_compile(rf"(?<!since\s)(?<!until\s)(?<!last\s)(?<!next\s)(?<!this\s)(?<!from\s)(?<!desde\s)(?<!hasta\s)(?<!pasado\s)\b(?:{_FULL_DAY})\b(?!\s+(?:night|morning|evening))"), _fixed(_WEEKLY)),
    (_compile(r"\b(?:twice\s+(?:a\s+)?year(?:ly)?|every\s+six\s+months|semestral)\b"), _fixed(_Rate(1 / 180, "every 6 months"))),
    (_compile(r"\b(?:monthly|once\s+(?:a|per|every|each)\s+month|every\s+month|each\s+month|q\.?\s?(?:month|mo)\b|mensual(?:mente)?|cada\s+mes|(?:una|1)\s+vez\s+(?:al|por|cada)\s+mes)"), _fixed(_Rate(1 / 30, "monthly"))),
    (_compile(r"\b(?:yearly|annually|once\s+(?:a|per|every|each)\s+year|every\s+year|anual(?:mente)?|(?:una|1)\s+vez\s+(?:al|por|cada)\s+ano|cada\s+ano)\b"), _fixed(_Rate(1 / 365, "yearly"))),
    (_compile(r"\b(?:(?:with|before|after|at)\s+(?:each\s+meal|every\s+meal|all\s+meals|meals|meal\s*times?)|mealtimes?|con\s+(?:las\s+|cada\s+)?comidas|antes\s+de\s+(?:las\s+|cada\s+)?comidas?|despues\s+de\s+(?:las\s+|cada\s+)?comidas?|tid\s*ac|a\.c\.|(?<![a-z/])ac(?![a-z/])|(?<![a-z/])pc(?![a-z/]))"), _fixed(_Rate(3.0, "with meals"))),
    (_compile(r"\b(?:once\s+(?:a\s+|per\s+|each\s+|every\s+)?(?:day|daily)|once-daily|daily|every\s+day|each\s+day|per\s+day|a\s+day|q\.?\s?d\.?(?![a-z])|qday|q\s+day|qdaily|diari[oa]s?|diariamente|al\s+dia|cada\s+dia|todos\s+los\s+dias|por\s+dia|(?:una|1)\s+vez\s+(?:al|por|cada|en\s+el)\s+dia|once(?!\s*(?:a\s+|per\s+|every\s+|each\s+|-)?(?:weeks?|wk|weekly|months?|monthly|years?|yearly)))\b"), _fixed(_DAILY)),
]  # fmt: skip

_Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], _Rate | None]]


def _grouped(rules: list[_Rule], size: int) -> list[tuple[re.Pattern[str], list[_Rule]]]:
    """The rules in groups, each with one pattern that matches where any of its rules
    does: a line meets few of them, and one scan then rules out a whole group."""
    groups = [rules[i : i + size] for i in range(0, len(rules), size)]
    return [(re.compile("|".join(f"(?:{p.pattern})" for p, _ in group)), group) for group in groups]


_RATE_GROUPS = _grouped(_RATE_RULES, 5)

# Times of day. Clock times ("8 am", "20:00") are read before the bare words.
_CLOCK_12 = re.compile(r"\b(\d{1,2})(?::(\d{2}))?\s*(a\.?\s?m\.?|p\.?\s?m\.?)(?![a-z])")
_CLOCK_24 = re.compile(r"\b([01]?\d|2[0-3]):([0-5]\d)\b")
_TIME_RULES: list[tuple[re.Pattern[str], str]] = [
    (_compile(r"\b(?:q\.?\s?h\.?\s?s\.?|h\.?s\.?(?![a-z])|at\s+bed\s*time|bed\s*time|before\s+(?:going\s+to\s+)?(?:bed|sleep)|at\s+night|nightly|every\s+night|each\s+night|at\s+hs|(?:en|por|a)\s+la\s+noche|antes\s+de\s+(?:dormir|acostarse)|al\s+acostarse|hora\s+de\s+dormir|in\s+the\s+night|noche|night)\b"), BEDTIME),
    (_compile(r"\b(?:q\.?\s?a\.?\s?m\.?(?![a-z])|every\s+morning|each\s+morning|in\s+the\s+morning|mornings?|with\s+breakfast|before\s+breakfast|after\s+breakfast|(?:en|por)\s+la\s+manana|en\s+las\s+mananas|en\s+ayunas|con\s+el\s+desayuno|antes\s+del\s+desayuno|despues\s+del\s+desayuno|desayuno|breakfast|manana|(?<!\bi\s)a\.?m\.?(?![a-z]))"), MORNING),
    (_compile(r"\b(?:with\s+lunch|at\s+lunch|lunch|at\s+noon|noon|midday|al\s+mediodia|mediodia|con\s+el\s+almuerzo|almuerzo)\b"), NOON),
    (_compile(r"\b(?:q\.?\s?p\.?m\.?(?![a-z])|every\s+evening|each\s+evening|in\s+the\s+evening|evenings?|with\s+(?:dinner|supper)|before\s+(?:dinner|supper)|after\s+(?:dinner|supper)|(?:en|por)\s+la\s+tarde|con\s+la\s+cena|antes\s+de\s+la\s+cena|despues\s+de\s+la\s+cena|cena|dinner|supper|p\.?m\.?(?![a-z]))"), EVENING),
]  # fmt: skip
_ANY_TIME = re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _ in _TIME_RULES))

_AS_NEEDED = _compile(
    r"\b(?:p\.?\s?r\.?\s?n\.?(?![a-z])|as\s+needed|as-needed|if\s+needed|when\s+needed|as\s+necessary"
    r"|when\s+necessary|as\s+required|when\s+required|if\s+(?:pain|necessary)|when\s+i\s+need\s+(?:it|them)"
    r"|si\s+(?:es\s+)?necesari[oa]|cuando\s+(?:lo\s+|la\s+|los\s+)?(?:necesit\w*|sea\s+necesario)"
    r"|segun\s+(?:sea\s+)?necesari[oa]|en\s+caso\s+de\s+(?:dolor|necesidad)|por\s+razon\s+necesaria"
    r"|si\s+(?:hay\s+|tengo\s+|tiene\s+)?dolor|si\s+(?:hay\s+)?(?:fiebre|nauseas?|insomnio)|solo\s+si\s+(?:hay\s+)?dolor|s\.o\.s\.?|occasionally|rarely)"
)
_DAY_LIST = _compile(
    rf"\b(?:{_DAY_NAMES})\.?(?:\s*(?:/|,|&|-|\band\b|\by\b)\s*(?:{_DAY_NAMES})\b\.?)+"
    r"|\b(?:m/w/f|m-w-f|mwf|t/th|tth|tu/th|t-th)\b"
)
_EXCEPT = _compile(r"\b(?:except|excepto|menos|but|pero|salvo|other\s+days|otros\s+dias)\b")
_COMPACT_DAY_LISTS = {"mwf": 3, "tth": 2, "tuth": 2}
_OTHER_DAYS = _compile(
    r"\b(?:other\s+days|all\s+other\s+days|most\s+days|la\s+mayoria\s+de\s+los\s+dias|rest\s+of\s+(?:the\s+)?(?:week|days)|remaining\s+days"
    r"|otros\s+dias|los\s+demas\s+dias|demas\s+dias|resto\s+de\s+(?:los\s+dias|la\s+semana)|else)\b"
)


def read_frequency(text: str) -> FrequencyReading:
    """Read the frequency of one line (folded, medicine names blanked)."""
    spans: list[tuple[int, int]] = []

    def free(match: re.Match[str]) -> bool:
        start, end = match.span()
        return all(end <= s or start >= e for s, e in spans)

    as_needed = False
    for match in _AS_NEEDED.finditer(text):
        spans.append(match.span())
        as_needed = True

    other_days = _OTHER_DAYS.search(text)
    day_list_days = 0
    for match in _DAY_LIST.finditer(text):
        if free(match):
            spans.append(match.span())
            compact = re.sub(r"[^a-z]", "", match.group())
            count = _COMPACT_DAY_LISTS.get(compact) or len(re.findall(_DAY_NAMES, match.group()))
            day_list_days = max(day_list_days, count)

    times: list[str] = []
    for match in _CLOCK_12.finditer(text):
        hour = int(match.group(1)) % 12 + (12 if match.group(3).startswith("p") else 0)
        if hour < 24 and free(match):
            spans.append(match.span())
            times.append(f"{hour:02d}:{match.group(2) or '00'}")
    for match in _CLOCK_24.finditer(text):
        if free(match):
            spans.append(match.span())
            times.append(f"{int(match.group(1)):02d}:{match.group(2)}")

    # Phrases are read in rule order (specific first); the one written first wins.
    rates: list[tuple[int, _Rate]] = []
    for any_of_group, group in _RATE_GROUPS:
        if any_of_group.search(text) is None:
            continue
        for pattern, reader in group:
            for match in pattern.finditer(text):
                if not free(match):
                    continue
                found = reader(match)
                if found is None:
                    continue
                spans.append(match.span())
                rates.append((match.start(), found))
    rates.sort(key=lambda item: item[0])
    rate = rates[0][1] if rates else None
    for pattern, clock in _TIME_RULES if _ANY_TIME.search(text) else ():
        for match in pattern.finditer(text):
            if free(match):
                spans.append(match.span())
                times.append(clock)

    other_days_dose = False
    if rate is not None and not rate.weekly and any(r.weekly for _, r in rates[1:]):
        # "5 mg daily except 2.5 mg on Sundays": daily, with one day's dose different.
        other_days_dose = _EXCEPT.search(text) is not None
    if day_list_days:
        if other_days is not None:
            # "5 mg Mon/Wed/Fri, 2.5 other days": taken every day, the dose varies.
            spans.append(other_days.span())
            rate, other_days_dose = rate or _DAILY, True
        elif rate is None or rate.weekly:
            rate = _Rate(day_list_days / 7, f"{day_list_days} days a week")
    return FrequencyReading(_combine(rate, times, as_needed), spans, other_days_dose)


def _combine(rate: _Rate | None, times: list[str], as_needed: bool) -> Frequency | None:
    distinct = tuple(sorted(set(times)))
    if rate is None and not distinct:
        return Frequency(None, as_needed=True, label="as needed") if as_needed else None
    if rate is None:
        count = len(distinct)
        label = _TIMES_LABEL.get(distinct[0], "once daily") if count == 1 else _rate_for_count(count).label
        rate = _Rate(float(count), label)
    elif rate.per_day == 1 and not rate.weekly and len(distinct) == 1:
        rate = _Rate(1.0, _TIMES_LABEL.get(distinct[0], rate.label))
    if rate.per_day != len(distinct) or rate.weekly:
        # The clock times must account for every dose; otherwise they are not stated.
        distinct = distinct if rate.weekly and len(distinct) == 1 else ()
    label = f"{rate.label}, as needed" if as_needed else rate.label
    return Frequency(rate.per_day, distinct, as_needed=as_needed, weekly=rate.weekly, label=label)
