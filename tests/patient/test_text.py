import re
from pathlib import Path

import pytest

import kyphoplan

ROOT = Path(kyphoplan.__file__).parent


@pytest.mark.parametrize("app", ["intake", "reminders", "patient"])
def test_it_has_spanish_for_every_patient_string_with_the_same_placeholders(app):
    po = ROOT / app / "locale/es/LC_MESSAGES/django.po"
    text = po.read_text("utf-8")
    assert "#~" not in text  # no translation was dropped by a makemessages run
    pairs = re.findall(r'^msgid "(.*)"\nmsgstr "(.*)"$', text, re.M)
    assert len(pairs) > 10
    for english, spanish in pairs[1:]:
        assert spanish, english
        assert sorted(re.findall(r"%\(\w+\)s", english)) == sorted(re.findall(r"%\(\w+\)s", spanish)), english
    assert po.with_suffix(".mo").stat().st_mtime >= po.stat().st_mtime - 1
