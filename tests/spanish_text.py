"""What a Spanish-speaking patient must never read: an English drug name where Spanish has its
own (from the clinical core's table), or a sentence ending in two full stops ("a. m..")."""

from __future__ import annotations

import re
from functools import cache

from kyphoplan.clinical.context import spanish_drug_names

_DOUBLE_STOP = re.compile(r"(?<!\.)\.\.(?!\.)")


@cache
def _english_names() -> re.Pattern[str]:
    names = [en for en, es in spanish_drug_names().items() if en.lower() != es.lower() and en.lower() not in es.lower()]
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b", re.I)


def spanish_problems(text: str) -> list[str]:
    problems = [f"English drug name: {m.group(0)!r}" for m in _english_names().finditer(text)]
    problems += [f"double stop: {text[max(0, m.start() - 12):m.end()]!r}" for m in _DOUBLE_STOP.finditer(text)]
    return problems

