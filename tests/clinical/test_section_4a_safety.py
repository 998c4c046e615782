"""Safety properties of REFERENCE §4a and §7 over every vignette and vector case.

- after a recent stent, aspirin and the P2Y12 inhibitor are never both drafted as stopped;
- an infusion (heparin IV, argatroban, bivalirudin) never gets a patient action;
- no insulin line tells the patient both "keep taking it as usual" and "take only
  the dose your care team tells you".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.clinical.vector_matching import load_json, plan_json

HERE = Path(__file__).parent


def _all_facts() -> list[Any]:
    cases = [pytest.param(load_json(p)["facts"], id=p.stem) for p in sorted((HERE / "vignettes").glob("*.json"))]
    for path in sorted((HERE / "vectors").glob("*.json")):
        for number, case in enumerate(load_json(path)["cases"]):
            cases.append(pytest.param(case["facts"], id=f"{path.stem}#{number}"))
    return cases


ALL = _all_facts()
INFUSED = {"argatroban", "bivalirudin"}


@pytest.mark.parametrize("facts", ALL)
def test_it_never_drafts_both_antiplatelets_stopped_after_a_recent_stent(facts: dict[str, Any]) -> None:
    plan = plan_json(facts)
    if not any(f["code"] == "recent-coronary-stent" for f in plan["flags"]):
        return
    classes = {i: c for m in plan["medications"] for i, c in zip(m["ingredients"], m["classes"], strict=True)}
    stopped = {
        classes.get(part)
        for a in plan["actions"]
        if a["code"] == "stop-medication" and a["drug"]
        for part in a["drug"].split("/")
    }
    assert not ({"aspirin", "p2y12-inhibitor"} & stopped), plan["actions"]


@pytest.mark.parametrize("facts", ALL)
def test_it_gives_the_patient_no_action_about_an_infusion(facts: dict[str, Any]) -> None:
    plan = plan_json(facts)
    infused = set(INFUSED)
    for med in plan["medications"]:
        if "heparin" in med["ingredients"] and med.get("route") == "intravenous":
            infused.add("heparin")
    for action in plan["actions"]:
        if action["audience"] == "patient" and action.get("drug") in infused:
            pytest.fail(f"patient action about an infusion: {action['texts']['en']}")


@pytest.mark.parametrize("facts", ALL)
def test_it_never_says_both_as_usual_and_the_dose_the_team_tells_you(facts: dict[str, Any]) -> None:
    plan = plan_json(facts)
    texts: dict[str, list[str]] = {}
    for action in plan["actions"]:
        if action["audience"] == "patient" and action.get("drug"):
            texts.setdefault(action["drug"], []).append(action["texts"]["en"])
    for drug, lines in texts.items():
        as_usual = any("keep taking it as usual" in t.lower() or "taking " + drug + " as usual" in t for t in lines)
        told = any("your care team tells you" in t.lower() and "dose" in t.lower() for t in lines)
        assert not (as_usual and told), (drug, lines)
