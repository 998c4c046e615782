"""The follow-up and messaging apps keep their own Spanish catalogues: complete, and compiled."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest

import kyphoplan
from tests.public.test_translations import parse_po

APPS = ["followup", "messaging"]


@pytest.mark.parametrize("app", APPS)
def test_it_translates_every_string_and_ships_a_matching_mo(app: str) -> None:
    folder = Path(kyphoplan.__file__).parent / app / "locale/es/LC_MESSAGES"
    text = (folder / "django.po").read_text(encoding="utf-8")
    po = parse_po(text)
    assert po and all(po.values()), [k for k, v in po.items() if not v]
    assert "fuzzy" not in text
    with open(folder / "django.mo", "rb") as f:
        mo = gettext.GNUTranslations(f)
    assert {k: v for k, v in po.items() if mo.gettext(k) != v} == {}, "run compilemessages"
