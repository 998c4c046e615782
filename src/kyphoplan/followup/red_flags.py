"""Red-flag words in what a patient writes: a free-text reply to a text, or the free-text
answer of a check-in. English and Spanish; the word lists are data (data/red_flag_words.json,
with their origin). When in doubt, raise: a nurse reading a false alarm costs a minute, a
missed fever or a new paralysis costs far more.

Negations are not read: "no fever" raises the fever flag like "fever". Telling "no fever"
from "no fever until last night, now 39" takes more than a word list, and a missed flag is the
worse mistake; the alert says the message *mentions* the words, and the nurse reads it whole.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "red_flag_words.json"
SCHEMA = "kyphoplan.red_flag_words/1"
LANGUAGES = ("en", "es")


@dataclass(frozen=True)
class Flag:
    key: str
    label: str
    pattern: re.Pattern[str]


def normalise(text: str) -> str:
    """Lower case, no accents, letters and digits only, single spaces ("can't" → "can t")."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


def _phrase(raw: str) -> str:
    parts: list[str] = []
    for word in normalise(raw.replace("(s)", " PLURAL ").replace("*", " STAR ").replace("~", " GAP ")).split():
        if word == "plural":
            parts[-1] = parts[-1][:-1] + "s? "
        elif word == "star":
            parts[-1] = parts[-1][:-1] + r"[a-z]* "
        elif word == "gap":
            parts.append(r"(?:[a-z0-9]+ ){0,3}")
        else:
            parts.append(re.escape(word) + " ")
    return "".join(parts)


@cache
def flags() -> tuple[Flag, ...]:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    if data.get("schema") != SCHEMA or not data.get("origin"):
        raise ValueError(f"{DATA.name}: schema {SCHEMA} with its origin is required")
    out = []
    for key, entry in data["flags"].items():
        words = [w for lang in LANGUAGES for w in entry[lang]]
        if not words or set(entry) - {"label", *LANGUAGES}:
            raise ValueError(f"{DATA.name}: {key} needs a label and words in {', '.join(LANGUAGES)} only")
        alternatives = "|".join(sorted({_phrase(w) for w in words}, key=len, reverse=True))
        out.append(Flag(key, entry["label"], re.compile(rf"(?:^| )(?:{alternatives})")))
    return tuple(out)


def scan(text: str) -> list[Flag]:
    """Every flag whose words appear in the text (in either language), in the file's order."""
    padded = normalise(text) + " "
    return [flag for flag in flags() if flag.pattern.search(padded)]


def reasons(text: str, *, where: str) -> list[str]:
    """Alert reasons for staff ("Fever or chills: mentioned in a text message")."""
    return [f"{flag.label}: mentioned in {where} (read it)" for flag in scan(text)]
