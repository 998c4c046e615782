"""Patient and clinician wording, in English and Spanish, from `data/text/<area>.<lang>.json`.

Templates live in data so that translators and clinicians review them without
reading code. Every key exists in every language (checked at load). Dates are
formatted here, without the process locale, so output never depends on the
machine it runs on.
"""

from __future__ import annotations

import json
import string
from collections.abc import Iterable
from datetime import date, datetime
from functools import cache, lru_cache
from importlib import resources

from kyphoplan.clinical.model import Language, LocalText

_WEEKDAYS = {
    Language.EN: ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    Language.ES: ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
}
_MONTHS = {
    Language.EN: (
        "January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December",
    ),
    Language.ES: (
        "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
        "agosto", "septiembre", "octubre", "noviembre", "diciembre",
    ),
}  # fmt: skip


class WordingError(ValueError):
    pass


@lru_cache(maxsize=4096)
def format_date(day: date, language: Language) -> str:
    weekday = _WEEKDAYS[language][day.weekday()]
    month = _MONTHS[language][day.month - 1]
    if language is Language.ES:
        return f"{weekday} {day.day} de {month}"
    return f"{weekday} {day.day} {month}"


def format_clock(moment: datetime, language: Language) -> str:
    hour = moment.hour % 12 or 12
    suffix = (
        ("AM" if moment.hour < 12 else "PM")
        if language is Language.EN
        else ("a. m." if moment.hour < 12 else "p. m.")
    )
    return f"{hour}:{moment.minute:02d} {suffix}"


def format_moment(moment: datetime, language: Language) -> str:
    en, es = _moment_texts(moment.year, moment.month, moment.day, moment.hour, moment.minute)
    return es if language is Language.ES else en


@lru_cache(maxsize=4096)
def _moment_texts(year: int, month: int, day: int, hour: int, minute: int) -> tuple[str, str]:
    """A local wall-clock time in (English, Spanish). Keyed on the wall clock, the
    part that is shown: equal instants in two zones read differently."""
    moment = datetime(year, month, day, hour, minute)
    texts: list[str] = []
    for language in (Language.EN, Language.ES):
        joiner = " at " if language is Language.EN else " a las "
        if language is Language.ES and hour % 12 == 1:
            joiner = " a la "
        texts.append(format_date(moment.date(), language) + joiner + format_clock(moment, language))
    return texts[0], texts[1]


Param = str | int | float | date | datetime | LocalText


def _render(value: Param, language: Language) -> str:
    if isinstance(value, LocalText):
        return value.get(language)
    if isinstance(value, datetime):
        return format_moment(value, language)
    if isinstance(value, date):
        return format_date(value, language)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@cache
def _catalogue(language: Language) -> dict[str, str]:
    """All `<area>.<language>.json` files merged; a key defined twice is an error."""
    merged: dict[str, str] = {}
    folder = resources.files("kyphoplan.clinical.data.text")
    suffix = f".{language.value}.json"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(suffix):
            continue
        data = json.loads(entry.read_text("utf-8"))
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            raise WordingError(f"{entry.name} must map keys to text")
        for key, text in data.items():
            if key in merged:
                raise WordingError(f"{entry.name}: key {key!r} is defined in another file too")
            merged[key] = text
    return merged


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def check_catalogues() -> None:
    """Every key in every language, with the same placeholders."""
    english = _catalogue(Language.EN)
    for language in Language:
        other = _catalogue(language)
        if set(other) != set(english):
            missing = sorted(set(english) ^ set(other))
            raise WordingError(f"{language.value} texts differ from en texts in keys: {missing}")
        for key, template in other.items():
            if _fields(template) != _fields(english[key]):
                raise WordingError(f"{language.value} text {key}: placeholders differ from en")


@cache
def _pairs() -> dict[str, tuple[str, str, bool]]:
    """key → (English, Spanish, has placeholders), for `say`. A text without
    placeholders is stored already formatted ("{{" read as "{")."""
    english, spanish = _catalogue(Language.EN), _catalogue(Language.ES)
    pairs: dict[str, tuple[str, str, bool]] = {}
    for key, text in english.items():
        if key not in spanish:
            continue
        other = spanish[key]
        if _fields(text) or _fields(other):
            pairs[key] = (text, other, True)
        else:
            pairs[key] = (text.format_map({}), other.format_map({}), False)
    return pairs


@lru_cache(maxsize=4096)
def _date_texts(day: date) -> tuple[str, str]:
    return format_date(day, Language.EN), format_date(day, Language.ES)


DECIDED = ".decided"


def say(key: str, **params: Param) -> LocalText:
    """The message `key` in every language, with `params` filled in. A text that asks for a
    clinician's approval has a sibling `<key>.decided`: the same instruction once approved."""
    text = _say(key, params)
    if key + DECIDED in _pairs():
        decided = _say(key + DECIDED, params)
        return LocalText(text.en, text.es, decided=decided)
    return text


def _say(key: str, params: dict[str, Param]) -> LocalText:
    templates = _pairs().get(key)
    if templates is None:
        raise WordingError(f"no text {key!r} in every language")
    english, spanish, placeholders = templates
    if not placeholders:
        return LocalText(english, spanish)
    # A plan says some forty sentences, so this runs often: text the same in both
    # languages is rendered once, and dates go through the cached formatters.
    en_params: dict[str, str] = {}
    es_params: dict[str, str] = {}
    for name, value in params.items():
        kind = type(value)
        if kind is str:
            en_params[name] = es_params[name] = value  # type: ignore[assignment]
        elif kind is LocalText:
            en_params[name] = value.en  # type: ignore[union-attr]
            es_params[name] = value.es  # type: ignore[union-attr]
        elif kind is datetime:
            moment: datetime = value  # type: ignore[assignment]
            en_params[name], es_params[name] = _moment_texts(
                moment.year, moment.month, moment.day, moment.hour, moment.minute
            )
        elif kind is date:
            en_params[name], es_params[name] = _date_texts(value)
        elif kind is float:
            en_params[name] = es_params[name] = f"{value:g}"
        elif kind is int:
            en_params[name] = es_params[name] = str(value)
        else:
            en_params[name] = _render(value, Language.EN)
            es_params[name] = _render(value, Language.ES)
    try:
        # "a las 8:00 a. m." at the end of a sentence must not grow a second full stop.
        es_text = spanish.format_map(es_params).replace("a. m..", "a. m.").replace("p. m..", "p. m.")
        return LocalText(english.format_map(en_params), es_text)
    except KeyError as missing:
        raise WordingError(f"text {key!r} needs parameter {missing}") from None


def join(parts: Iterable[LocalText], separator: str) -> LocalText:
    """Several texts as one, joined language by language."""
    texts = list(parts)
    return LocalText(
        en=separator.join(part.en for part in texts),
        es=separator.join(part.es for part in texts),
    )
