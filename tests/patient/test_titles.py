"""Calendar titles (the .ics SUMMARY, the page's item titles): the step's meaning, drug names
in the patient's language, and no calendar event for a step already due when the plan was made."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import icalendar
import pytest
from django.utils import translation

from kyphoplan.clinical.context import spanish_drug_names
from kyphoplan.clinical.drugs import load_drug_knowledge
from kyphoplan.patient.checklist import checklist, summary
from kyphoplan.patient.ics import calendar
from kyphoplan.plans.effective import Line
from tests.pathway.fixtures import LA

DRUG_STEPS = ["stop-medication", "resume-medication", "adjust-dose", "take-premedication", "hold-after-procedure",
              "continue-medication", "consult-prescriber", "clinician-instruction"]


def _line(code, drug=None, due=None, text="", replaces=""):
    return Line(code=code, drug=drug, due=due, last_dose_date=None, text=text, audience="patient", source="",
                rule="", requires_review=False, replaces=replaces)


def _es(line):
    with translation.override("es"):
        return summary(line, "es")


def test_it_never_puts_an_english_only_drug_name_in_a_spanish_title():
    """Every drug the knowledge base knows, in every step that names a drug: Maria reads the
    Spanish name, or a title without the drug (the sentence beside it names it)."""
    spanish = spanish_drug_names()
    drugs = sorted(load_drug_knowledge().ingredients)
    assert len(drugs) > 500
    wrong = []
    for drug in drugs:
        for code in DRUG_STEPS:
            title = _es(_line(code, drug)).lower()
            expected = spanish.get(drug)
            if expected is not None and expected.lower() not in title:
                wrong.append((code, drug, title))
            if drug.lower() != (expected or "").lower() and re.search(rf"\b{re.escape(drug.lower())}\b", title):
                wrong.append((code, drug, title))
    assert not wrong, wrong[:20]


def test_it_names_the_premedication_drugs_in_spanish():
    assert _es(_line("take-premedication", "diphenhydramine")) == "Tome difenhidramina"
    assert _es(_line("take-premedication", "prednisone")) == "Tome prednisona"


def test_it_titles_each_step_by_what_it_asks():
    # "Keep taking clopidogrel for now; your heart doctor and our team will tell you" is not "call your doctor".
    keep = _es(_line("consult-prescriber", "clopidogrel", text="Por ahora, siga con el clopidogrel (Plavix)."))
    assert "Llame" not in keep and "clopidogrel" in keep.lower()
    assert _es(_line("continue-medication", "aspirin")) == "Siga tomando aspirina"
    assert _es(_line("check-blood-glucose")) != "Su plan"
    assert _es(_line("clinician-instruction", "apixaban", replaces="stop-medication")) == \
        "Apixabán: de su equipo de atención"


@pytest.mark.parametrize("minutes_after", [0, -30])
def test_it_makes_no_past_calendar_event_for_a_step_due_when_the_plan_was_made(minutes_after):
    made = datetime(2026, 11, 25, 10, 54, 18, tzinfo=LA)
    lines = [_line("consult-prescriber", "clopidogrel", made + timedelta(minutes=minutes_after), "Llame hoy."),
             _line("fasting-start", None, datetime(2026, 11, 27, 0, 0, tzinfo=LA), "No coma.")]
    with translation.override("es"):
        days, undated = checklist(lines, None, language="es", zone=LA, made_at=made)
    assert [(i.text, i.asap) for i in undated] == [("Llame hoy.", True)]
    assert [i.text for d in days for i in d.items] == ["No coma."]
    cal = icalendar.Calendar.from_ical(calendar(days, case_ref="KP-1", zone=LA, practice="P", stamp=made))
    starts = [e["dtstart"].dt for e in cal.walk("VEVENT")]
    assert starts and all(at > made for at in starts)
