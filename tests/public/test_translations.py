"""The Spanish catalogue is complete and its compiled .mo matches the .po."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import pytest
from django.utils import translation

import kyphoplan
from kyphoplan.web.context import open_days_label

LOCALE = Path(kyphoplan.__file__).parent / "locale/es/LC_MESSAGES"


def parse_po(text: str) -> dict[str, str]:
    entries: dict[str, str] = {}
    key: str | None = None
    context = ""
    current: list[str] = []
    field = ""
    for line in [*text.splitlines(), ""]:
        if line.startswith("#~"):
            continue
        if line.startswith(("msgctxt ", "msgid ", "msgstr ")) or not line.strip():
            if field == "msgctxt":
                context = "".join(current) + "\x04"
            elif field == "msgid":
                key, context = context + "".join(current), ""
            elif field == "msgstr" and key is not None:
                entries[key] = "".join(current)
                key = None
            field, current = "", []
            if line.strip():
                field, _, rest = line.partition(" ")
                current = [ast.literal_eval(rest)]
        elif line.startswith('"'):
            current.append(ast.literal_eval(line))
    entries.pop("", None)
    return entries


def test_it_translates_every_string_and_ships_a_matching_mo() -> None:
    po = parse_po((LOCALE / "django.po").read_text(encoding="utf-8"))
    assert po and all(po.values()), [k for k, v in po.items() if not v]
    assert "fuzzy" not in (LOCALE / "django.po").read_text(encoding="utf-8")
    with open(LOCALE / "django.mo", "rb") as f:
        mo = gettext.GNUTranslations(f)
    stale = {k: v for k, v in po.items() if mo.gettext(k) != v}
    assert stale == {}, "run compilemessages: the .mo is older than the .po"


@pytest.mark.parametrize(
    ("lang", "days", "label"),
    [
        ("en", frozenset(range(5)), "Monday to Friday"),
        ("es", frozenset(range(5)), "de lunes a viernes"),
        ("en", frozenset({0, 2}), "Monday, Wednesday"),
        ("en", frozenset(range(6)), "Monday to Saturday"),
    ],
)
def test_it_names_the_open_days(lang: str, days: frozenset[int], label: str) -> None:
    with translation.override(lang):
        assert open_days_label(days) == label
