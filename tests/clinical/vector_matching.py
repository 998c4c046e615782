"""Matching a plan (contract JSON) against the expectations of a test vector or vignette.

An expected item matches a plan item when every key it names has an equal
value in that item; keys it does not name are not checked.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kyphoplan.clinical.contract import plan_to_dict
from kyphoplan.clinical.facts import parse_facts
from kyphoplan.clinical.plan import build_plan

EXPECT_KEYS = {"actions", "flags", "absent_actions", "absent_flags", "medications", "allergies"}


def plan_json(facts: dict[str, Any]) -> dict[str, Any]:
    return plan_to_dict(build_plan(parse_facts(facts)))


def _matches(expected: dict[str, Any], item: dict[str, Any]) -> bool:
    return all(item.get(key) == value for key, value in expected.items())


def mismatches(plan: dict[str, Any], expect: dict[str, Any]) -> list[str]:
    """Human-readable differences; empty when the plan meets every expectation."""
    unknown = set(expect) - EXPECT_KEYS
    if unknown:
        return [f"unknown expectation keys {sorted(unknown)}"]
    problems: list[str] = []
    for kind in ("actions", "flags"):
        for expected in expect.get(kind, []):
            if not any(_matches(expected, item) for item in plan[kind]):
                nearby = [
                    {k: item.get(k) for k in expected}
                    for item in plan[kind]
                    if item.get("code") == expected.get("code")
                ]
                problems.append(f"missing {kind[:-1]} {expected}; same code in plan: {nearby}")
        for absent in expect.get(f"absent_{kind}", []):
            found = [item for item in plan[kind] if _matches(absent, item)]
            if found:
                problems.append(f"unexpected {kind[:-1]} matching {absent}: {found[0]}")
    for index, expected in enumerate(expect.get("medications", [])):
        if index >= len(plan["medications"]) or not _matches(expected, plan["medications"][index]):
            got = plan["medications"][index] if index < len(plan["medications"]) else None
            problems.append(f"medication #{index}: expected {expected}, got {got}")
    for index, expected in enumerate(expect.get("allergies", [])):
        if index >= len(plan["allergies"]) or not _matches(expected, plan["allergies"][index]):
            problems.append(f"allergy #{index}: expected {expected}")
    return problems


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))
