"""Maria types her medicines in a Spanish intake: what we read back names them in Spanish."""

from __future__ import annotations

import re

import pytest

from kyphoplan.cases.models import Channel, LinkPurpose
from kyphoplan.cases.services import issue_link
from tests.pathway.fixtures import NOW
from tests.spanish_text import spanish_problems

LINES = ["prednisone 5 mg every morning", "aspirin 81 mg", "warfarin 5 mg", "metformin 500 mg twice a day",
         "Lipitor 20 mg", "Tylenol as needed"]


@pytest.fixture
def maria_in_intake(maria_case, sam, client):
    _, token = issue_link(sam, maria_case, purpose=LinkPurpose.INTAKE, channel=Channel.SHOWN, ip=None, now=NOW)
    client.get(f"/es/p/intake/{token}/")
    return client


def test_it_reads_back_live_feedback_in_spanish(maria_in_intake):
    names = [maria_in_intake.post("/es/p/intake/recognize", {"line": line}, content_type="application/json")
             .json()["names"] for line in LINES]
    assert names == [["prednisona"], ["aspirina"], ["warfarina"], ["metformina"], ["atorvastatina"],
                     ["acetaminofén (paracetamol)"]]


def test_it_reads_back_saved_lines_in_spanish_without_javascript(maria_in_intake):
    answers = {f"med_{i}": line for i, line in enumerate(LINES)} | {"weight_unit": "lb", "height_unit": "in"}
    page = maria_in_intake.post("/es/p/intake/", {**answers, "save": "1"}).content.decode()
    feedback = " ".join(re.findall(r'<p class="recog"[^>]*>(.*?)</p>', page, re.S))
    assert "prednisona" in feedback and "aspirina" in feedback
    assert spanish_problems(re.sub(r"<[^>]+>", " ", feedback)) == []
    review = maria_in_intake.post("/es/p/intake/", {**answers, "submit": "1"}).content.decode()
    read_back = " ".join(re.findall(r'<span class="recog">(.*?)</span>', review, re.S))
    assert "warfarina" in read_back and spanish_problems(re.sub(r"<[^>]+>", " ", read_back)) == []


def test_it_keeps_english_names_for_an_english_patient(maria_in_intake):
    data = maria_in_intake.post("/en/p/intake/recognize", {"line": "aspirin 81"},
                                content_type="application/json").json()
    assert data["names"] == ["aspirin"]


def test_the_spanish_check_catches_english_names_and_double_stops() -> None:
    assert spanish_problems("Tome prednisone hoy.") == ["English drug name: 'prednisone'"]
    assert spanish_problems("Llegue a las 7:00 a. m..") == ["double stop: 'as 7:00 a. m..'"]
    assert spanish_problems("Tome su prednisona y su aspirina… a las 7:00 a. m.") == []
