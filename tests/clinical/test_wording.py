"""Plan wording: every text in both languages, and patient text that reads plainly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import textstat

from kyphoplan.clinical.model import LocalText
from kyphoplan.clinical.wording import WordingError, check_catalogues, say
from tests.clinical.vector_matching import plan_json

ROOT = Path(__file__).resolve().parents[2]
PATIENTS = sorted((ROOT / "tests/clinical/vignettes").glob("*.json")) + sorted(
    (ROOT / "examples").glob("*.json")
)


def _patient_texts() -> tuple[str, str]:
    english: set[str] = set()
    spanish: set[str] = set()
    for path in PATIENTS:
        document = json.loads(path.read_text(encoding="utf-8"))
        plan = plan_json(document.get("facts", document))
        for action in plan["actions"]:
            if action["audience"] == "patient":
                english.add(action["texts"]["en"])
                spanish.add(action["texts"]["es"])
    return " ".join(sorted(english)), " ".join(sorted(spanish))


def test_it_has_every_text_in_english_and_spanish_with_the_same_placeholders() -> None:
    check_catalogues()


def test_it_refuses_an_unknown_text_key() -> None:
    with pytest.raises(WordingError):
        say("no.such.text")


def test_it_renders_dates_in_each_language() -> None:
    from datetime import date

    text = say("thinner.resume.day-after", drug="clopidogrel", due=date(2026, 12, 15))
    assert (text.en, text.es) == (
        "If your care team agrees, start clopidogrel again on Tuesday 15 December.",
        "Si su equipo médico está de acuerdo, vuelva a tomar clopidogrel el martes 15 de diciembre.",
    )
    # Once signed, the same line states the decision, with the same date in each language.
    assert text.decided == LocalText(
        en="Start clopidogrel again on Tuesday 15 December, unless your care team tells you to wait.",
        es="Vuelva a tomar clopidogrel el martes 15 de diciembre, a menos que su equipo médico le diga que espere.",
    )


@pytest.mark.slow
def test_it_writes_patient_instructions_at_grade_8_or_below() -> None:
    # Measured over every patient instruction of every vignette and example plan
    # (drug names included, which only make the score worse).
    english, spanish = _patient_texts()
    textstat.set_lang("en")
    grade = textstat.flesch_kincaid_grade(english)
    assert grade <= 8, f"Flesch-Kincaid grade {grade}"
    textstat.set_lang("es")
    # Fernández-Huerta: 60-70 is "normal" (about grade 8-9 in Spanish school terms); higher is easier.
    ease = textstat.fernandez_huerta(spanish)
    textstat.set_lang("en")
    assert ease >= 60, f"Fernández-Huerta {ease}"


def test_it_names_medicines_in_spanish_for_spanish_readers() -> None:
    facts = json.loads((ROOT / "examples/rosa-warfarina-insulina-es.json").read_text(encoding="utf-8"))
    plan = plan_json(facts)
    spanish = " ".join(action["texts"]["es"] for action in plan["actions"])
    english = " ".join(action["texts"]["en"] for action in plan["actions"])
    assert "warfarina (Coumadin)" in spanish and "warfarin (Coumadin)" in english
    assert "insulina NPH" in spanish
    assert "sitagliptina/metformina (Janumet)" in spanish
    # The contract's drug field stays the English generic name, whatever the language.
    assert {a.get("drug") for a in plan["actions"]} >= {"warfarin", "sitagliptin/metformin"}


def test_it_never_doubles_the_full_stop_after_a_spanish_time() -> None:
    for path in PATIENTS:
        document = json.loads(path.read_text(encoding="utf-8"))
        plan = plan_json(document.get("facts", document))
        for item in plan["actions"] + plan["flags"]:
            assert "m.." not in item["texts"]["es"], item["texts"]["es"]


# Words that leave the patient asking whether the step was approved: after signing, no
# patient text may say them (plan-contract.md: patient text states the decision).
ASKS_FOR_APPROVAL = ("approves", "must approve", "will check this first", "care team agrees",
                     "lo aprueba", "debe aprobar", "revisará esto primero", "está de acuerdo")


def test_it_states_the_decision_once_a_plan_is_signed() -> None:
    undecided = []
    for path in PATIENTS:
        document = json.loads(path.read_text(encoding="utf-8"))
        for action in plan_json(document.get("facts", document))["actions"]:
            if action["audience"] != "patient":
                continue
            asks = [w for lang in ("en", "es") for w in ASKS_FOR_APPROVAL if w in action["texts"][lang]]
            if not asks:
                continue
            decided = action.get("decided_texts") or {}
            still = [w for lang in ("en", "es") for w in ASKS_FOR_APPROVAL if w in decided.get(lang, w)]
            if not decided or still:
                undecided.append(f"{path.name}: {action['code']} {action.get('drug') or ''}: {asks} / {still}")
    assert undecided == [], "\n".join(sorted(set(undecided)))
