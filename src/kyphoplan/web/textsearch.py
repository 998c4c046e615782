"""Search text: one normalised column per searchable table, written on save.

`normalise` folds case and strips accents, so "gonzalez" finds "María González" on SQLite and
PostgreSQL alike, and a plain `LIKE '%term%'` on the column is served by a trigram index on
PostgreSQL (migrations add it there; SQLite scans).
"""

from __future__ import annotations

import unicodedata

MAX_TERM = 100


def normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def search_text(*, name: str, reference: str, phone: str = "", email: str = "") -> str:
    """What a search looks in: the name, the reference with and without dashes, phone digits."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    parts = [name, reference, reference.replace("-", ""), digits, email]
    return normalise(" ".join(p for p in parts if p))


def term(raw: str) -> str:
    """A search box's text as the column holds it (a phone number typed with spaces or
    dashes becomes its digits)."""
    cleaned = normalise(raw.strip()[:MAX_TERM])
    digits = "".join(ch for ch in cleaned if ch.isdigit())
    if len(digits) >= 4 and all(ch.isdigit() or ch in " -().+" for ch in cleaned):
        return digits
    return cleaned
