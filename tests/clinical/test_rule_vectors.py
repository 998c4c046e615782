"""One test-vector file per rule id (`vectors/<rule-id>.json`), each run through the whole engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kyphoplan.clinical.model import Protocol
from kyphoplan.clinical.preparation import load_preparation_rules
from kyphoplan.clinical.rulesets import load_ruleset
from tests.clinical.vector_matching import load_json, mismatches, plan_json

VECTORS = Path(__file__).parent / "vectors"


def _all_rule_ids() -> set[str]:
    ids = {rule.id for p in (Protocol.SIR_2019, Protocol.ASRA_2018) for rule in load_ruleset(p).rules}
    return ids | set(load_preparation_rules().rules)


def _cases() -> list[Any]:
    params = []
    for path in sorted(VECTORS.glob("*.json")):
        document = load_json(path)
        for number, case in enumerate(document["cases"]):
            params.append(pytest.param(document["rule"], case, id=f"{path.stem}#{number}"))
    return params


def test_it_has_a_vector_file_for_every_rule_id() -> None:
    files = {path.stem for path in VECTORS.glob("*.json")}
    missing = sorted(_all_rule_ids() - files)
    assert not missing, f"rules without a test-vector file: {missing}"


def test_it_has_no_vector_file_for_a_rule_that_does_not_exist() -> None:
    files = {path.stem for path in VECTORS.glob("*.json")}
    orphans = sorted(files - _all_rule_ids())
    assert not orphans, f"vector files naming no rule: {orphans}"


def test_it_names_its_rule_in_each_vector_file() -> None:
    for path in VECTORS.glob("*.json"):
        document = load_json(path)
        assert document["rule"] == path.stem, path
        assert document["cases"], f"{path.name} has no cases"


@pytest.mark.parametrize(("rule_id", "case"), _cases())
def test_it_meets_the_vector(rule_id: str, case: dict[str, Any]) -> None:
    expect = case["expect"]
    named = [
        item
        for kind in ("actions", "flags", "absent_actions", "absent_flags")
        for item in expect.get(kind, [])
        if item.get("rule") == rule_id
    ]
    assert named, f"case {case['name']!r} never names its rule {rule_id}"
    problems = mismatches(plan_json(case["facts"]), expect)
    assert not problems, f"{case['name']}:\n" + "\n".join(problems)
