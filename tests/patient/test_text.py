import re
from pathlib import Path

import kyphoplan.patient

PO = Path(kyphoplan.patient.__file__).parent / "locale/es/LC_MESSAGES/django.po"


def test_it_has_spanish_for_every_patient_string_with_the_same_placeholders():
    text = PO.read_text("utf-8")
    pairs = re.findall(r'^msgid "(.*)"\nmsgstr "(.*)"$', text, re.M)
    assert len(pairs) > 80
    for english, spanish in pairs[1:]:
        assert spanish, english
        assert sorted(re.findall(r"%\(\w+\)s", english)) == sorted(re.findall(r"%\(\w+\)s", spanish)), english
    assert PO.with_suffix(".mo").stat().st_mtime >= PO.stat().st_mtime - 1
