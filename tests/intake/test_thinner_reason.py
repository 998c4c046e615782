"""Maria says why she takes her blood thinner: a recent stent reaches the plan (REFERENCE §4a)."""

from datetime import timedelta

import pytest

from kyphoplan.cases.models import Channel, LinkPurpose
from kyphoplan.cases.services import issue_link
from kyphoplan.intake.forms import IntakeForm
from tests.pathway.fixtures import NOW

STENT_DAY = (NOW - timedelta(days=40)).date()


@pytest.fixture
def maria_link(maria_case, sam):
    _, token = issue_link(sam, maria_case, purpose=LinkPurpose.INTAKE, channel=Channel.SHOWN, ip=None, now=NOW)
    return token


def _answers(**extra):
    data = {"med_0": "aspirina 81 mg al día", "med_1": "Brilinta 90 mg dos veces al día", "diabetes": "none",
            "insulin": "no", "kidney": "no", "smoker": "no", "has_escort": "yes", "weight_unit": "lb",
            "height_unit": "in", "thinner_reasons": ["coronary-stent", "atrial-fibrillation"],
            "stent_date": STENT_DAY.isoformat(), "stent_type": "drug-eluting"}
    data.update(extra)
    return data


def test_it_turns_the_answers_into_the_contract_indications():
    form = IntakeForm(_answers())
    assert form.is_valid(), form.errors
    assert form.to_data()["indications"] == [
        {"kind": "coronary-stent", "stent": "drug-eluting", "date": STENT_DAY.isoformat()},
        {"kind": "atrial-fibrillation"},
    ]


def test_it_adds_nothing_for_i_do_not_know_and_keeps_an_unknown_stent_type():
    form = IntakeForm(_answers(thinner_reasons=["unknown", "coronary-stent"], stent_type="", stent_date=""))
    assert form.is_valid(), form.errors
    assert form.to_data()["indications"] == [{"kind": "coronary-stent", "stent": "unknown"}]


def test_it_refuses_a_stent_date_in_the_future():
    form = IntakeForm(_answers(stent_date=(NOW + timedelta(days=3)).date().isoformat()))
    assert not form.is_valid() and "stent_date" in form.errors


def test_it_asks_in_spanish_and_the_plan_keeps_aspirin_after_a_recent_stent(maria_case, maria_link, client):
    client.get(f"/es/p/intake/{maria_link}/")
    page = client.get("/es/p/intake/").content.decode()
    assert "¿Por qué toma este anticoagulante?" in page and "¿Cuándo le pusieron el stent?" in page
    review = client.post("/es/p/intake/", _answers(submit="1")).content.decode()  # then "Sí, enviar"
    assert "¿Por qué toma este anticoagulante?" in review and "21 de octubre de 2026" in review
    client.post("/es/p/intake/", {"confirm": "1"})
    version = maria_case.plan_versions.get()
    assert version.facts["indications"][0] == {"kind": "coronary-stent", "stent": "drug-eluting",
                                               "date": STENT_DAY.isoformat()}
    flags = {flag["code"] for flag in version.plan["flags"]}
    assert "recent-coronary-stent" in flags
    stops = {a["drug"] for a in version.plan["actions"] if a["code"] == "stop-medication"}
    assert not stops & {"aspirin", "ticagrelor"}


@pytest.mark.parametrize(("language", "day", "weight", "height"), [
    ("en", "October 21, 2026", "150 pounds", "62.5 inches"),
    ("es", "21 de octubre de 2026", "150 libras", "62.5 pulgadas"),
])
def test_it_reads_back_dates_and_numbers_the_way_maria_says_them(maria_link, client, language, day, weight, height):
    client.get(f"/{language}/p/intake/{maria_link}/")
    review = client.post(f"/{language}/p/intake/", _answers(submit="1", weight="150.0", height="62.5")).content.decode()
    assert NOW.date() - timedelta(days=40) == STENT_DAY and day in review
    assert weight in review and height in review
    assert STENT_DAY.isoformat() not in review and "150.0" not in review
