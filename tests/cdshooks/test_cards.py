"""Plan (contract JSON) → cards: indicators by severity, short summaries, sources, links."""

from __future__ import annotations

from typing import Any

from kyphoplan.cdshooks.cards import SUMMARY_LIMIT, plan_cards, summary

PREVIEW = "http://testserver/cds-services/previews/00000000-0000-0000-0000-000000000001"


def _plan() -> dict[str, Any]:
    return {
        "protocol": "sir-2019",
        "decision_support": "Decision support for clinicians.",
        "actions": [
            {"code": "stop-medication", "drug": "apixaban", "due": "2026-12-11T20:00:00-08:00",
             "text": "Last dose of apixaban on the morning of Friday.", "source": "SIR2019", "rule": "r1"},
            {"code": "bring-medication-list", "due": "2026-12-14T06:00:00-08:00",
             "text": "Bring your medicine list.", "source": "PRACTICE", "rule": "g1"},
        ],
        "flags": [
            {"code": "unrecognized-medication", "input": "a white pill", "severity": "medium",
             "text": "Not recognised: ask the patient.", "source": "PRACTICE", "rule": "u", "guideline": ""},
            {"code": "prescriber-consult", "drug": "apixaban", "severity": "high",
             "text": "Ask the prescriber before stopping apixaban. " * 6, "source": "SIR2019", "rule": "r1",
             "guideline": "CrCl >= 50: hold 4 doses"},
            {"code": "platelet-check", "severity": "low", "text": "Platelet count before the procedure.",
             "source": "SIR2019", "rule": "p", "guideline": "platelets > 50"},
        ],
    }


def test_it_orders_cards_by_severity_after_the_overview() -> None:
    cards = plan_cards(_plan(), [], PREVIEW)
    assert [c["indicator"] for c in cards] == ["warning", "critical", "warning", "info"]
    assert cards[0]["summary"].startswith("Kyphoplasty prep: hold apixaban")
    assert cards[1]["source"]["topic"]["code"] == "prescriber-consult"


def test_it_keeps_every_summary_under_140_characters() -> None:
    for card in plan_cards(_plan(), ["note " * 50], PREVIEW):
        assert len(card["summary"]) < SUMMARY_LIMIT
    assert summary("x" * 500).endswith("…")
    assert len(summary("x" * 500)) == SUMMARY_LIMIT - 1


def test_it_names_the_drug_once_and_lists_undated_steps_plainly() -> None:
    plan = _plan()
    plan["flags"][1]["text"] = "apixaban: planned hold 4 doses."
    plan["actions"].append({"code": "resume-medication", "drug": "metformin", "due": None,
                            "text": "Restart metformin when eating.", "source": "ACR", "rule": "m"})
    cards = plan_cards(plan, [], PREVIEW)
    assert cards[1]["summary"] == "apixaban: planned hold 4 doses."
    assert cards[0]["detail"].endswith("\n- Restart metformin when eating.")


def test_it_names_the_guideline_and_links_to_the_plan() -> None:
    cards = plan_cards(_plan(), [], PREVIEW)
    consult = cards[1]
    assert consult["source"]["label"] == "kyphoplan: SIR 2019 periprocedural consensus"
    assert "CrCl >= 50: hold 4 doses" in consult["detail"]
    for card in cards:
        assert card["links"] == [{"label": "Open the full preparation plan", "url": PREVIEW, "type": "absolute"}]
        assert len(card["uuid"]) == 36


def test_it_puts_notes_such_as_a_placeholder_date_on_the_overview() -> None:
    cards = plan_cards(_plan(), ["No procedure date yet: dates assume Mon 14 Dec."], PREVIEW)
    assert "> No procedure date yet" in cards[0]["detail"]
    assert cards[0]["indicator"] == "warning"


def test_it_says_when_nothing_needs_holding() -> None:
    plan = _plan()
    plan["actions"] = plan["actions"][1:]
    plan["flags"] = []
    [card] = plan_cards(plan, [], PREVIEW)
    assert card["summary"].startswith("Kyphoplasty prep: no blood thinner to hold")
    assert card["indicator"] == "info"


def test_it_never_says_no_blood_thinner_while_a_medicine_awaits_review() -> None:
    plan = {**_plan(), "actions": [a for a in _plan()["actions"] if a["code"] != "stop-medication"]}
    [overview, *_] = plan_cards(plan, [], PREVIEW)
    assert overview["summary"].startswith("Kyphoplasty prep: no hold planned yet, medicines need a clinician's review")
