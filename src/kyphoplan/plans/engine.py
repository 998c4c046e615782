"""The one place the web app calls the clinical engine."""

from __future__ import annotations

from typing import Any


def run_engine(facts: dict[str, Any]) -> dict[str, Any]:
    """Facts JSON in, contract JSON out. Raises FactsError naming the bad field."""
    from kyphoplan.clinical.contract import plan_to_dict
    from kyphoplan.clinical.facts import parse_facts
    from kyphoplan.clinical.plan import build_plan

    return plan_to_dict(build_plan(parse_facts(facts)))


def recognize_line(line: str, codes: Any = ()) -> dict[str, Any]:
    """What the engine makes of one medicine line, for live feedback on the intake form; with the
    codings an EHR import kept ({"system", "code"}), a verified code is read before the text."""
    from kyphoplan.clinical.model import Coding
    from kyphoplan.clinical.recognition import recognize
    from kyphoplan.clinical.recognition_codes import recognize_coded

    codings = [Coding(str(c["system"]), str(c["code"])) for c in codes or ()
               if isinstance(c, dict) and c.get("system") and c.get("code")]
    med = recognize_coded(line, codings) if codings else recognize(line)
    return {
        "recognized": med.recognized,
        "ingredients": list(med.ingredients),
        "classes": list(med.classes),
        "brand": med.brand or "",
        "unsure": med.patient_unsure,
    }


def lists_insulin(lines: list[str]) -> bool:
    return any(c.startswith("insulin") for line in lines for c in recognize_line(line)["classes"])
