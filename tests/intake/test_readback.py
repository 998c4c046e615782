"""Maria writes "blood thinner (don't remember the name)": the read-back says it in plain words
in her language, never the knowledge base's internal name ("unspecified-blood-thinner")."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from kyphoplan.clinical.drugs import PseudoIngredient, load_drug_knowledge
from kyphoplan.intake.views import _in_patient_language

# Names that are internal: a kind of medicine, not one (the pseudo-ingredients), and the
# premixed insulins, one internal name per mix ("a/b 70/30").
INTERNAL = sorted({str(p) for p in PseudoIngredient}
                  | {n for n in load_drug_knowledge().ingredients if re.search(r"[/()]|^[a-z]+(-[a-z0-9]+)+$", n)})
CODE = re.compile(r"^[a-z]+(-[a-z0-9]+)+$|not stated|unspecified")


def _read_back(name: str, language: str) -> str:
    with translation.override(language):
        [shown] = _in_patient_language({"ingredients": [name]})["names"]
    return shown


def test_it_knows_every_internal_name_there_is():
    assert "unspecified-blood-thinner" in INTERNAL and len(INTERNAL) == 9


@pytest.mark.parametrize("name", INTERNAL)
def test_it_reads_back_every_internal_name_in_plain_words_in_english_and_spanish(name):
    english, spanish = _read_back(name, "en"), _read_back(name, "es")
    assert not CODE.search(english) and not CODE.search(spanish), (english, spanish)
    assert spanish != english
    assert not re.search(r"\binsulin\b|\bblood\b|\bpremixed\b", spanish), spanish


def test_it_reads_back_no_code_for_any_ingredient():
    for name in load_drug_knowledge().ingredients:
        for language in ("en", "es"):
            assert not CODE.search(_read_back(name, language)), (name, language)


def test_it_reads_back_maria_s_unnamed_blood_thinner(maria_case, sam, client):
    from kyphoplan.cases.models import Channel, LinkPurpose
    from kyphoplan.cases.services import issue_link
    from tests.pathway.fixtures import NOW

    _, token = issue_link(sam, maria_case, purpose=LinkPurpose.INTAKE, channel=Channel.SHOWN, ip=None, now=NOW)
    client.get(f"/es/p/intake/{token}/")
    line = {"line": "blood thinner (don't remember the name)"}
    names = client.post("/es/p/intake/recognize", line, content_type="application/json").json()["names"]
    assert names == ["un anticoagulante (falta el nombre)"]
    names = client.post("/en/p/intake/recognize", line, content_type="application/json").json()["names"]
    assert names == ["a blood thinner (the name is not given)"]
