"""Patient facts: bad input is refused with the field's name, never guessed at."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kyphoplan.clinical.facts import FactsError, Sex, parse_facts
from kyphoplan.clinical.model import Protocol

# Dorothy, 78, the contract's example patient.
DOROTHY: dict[str, Any] = {
    "as_of": "2026-12-01T10:00:00-08:00",
    "procedure": {
        "start": "2026-12-14T08:00:00-08:00",
        "timezone": "America/Los_Angeles",
        "levels": ["T12", "L1"],
        "sedation": "moderate",
    },
    "patient": {"age": 78, "sex": "female", "weight_kg": 52, "smoker": True, "diabetes": "type2"},
    "medications": ["Plavix 75 mg once daily", "Eliquis 5mg twice a day"],
    "allergies": ["iodinated contrast - hives 2019", "shellfish"],
    "labs": {"egfr": 42, "creatinine_clearance": 45, "serum_creatinine_mg_dl": 1.3, "inr": 1.0,
             "platelets_10e9_per_l": 210},
    "protocol": "sir-2019",
}  # fmt: skip


def with_change(path: str, value: Any) -> dict[str, Any]:
    facts = copy.deepcopy(DOROTHY)
    *parents, last = path.split(".")
    target = facts
    for name in parents:
        target = target[name]
    if value is KeyError:
        del target[last]
    else:
        target[last] = value
    return facts


def test_it_accepts_the_contract_example() -> None:
    facts = parse_facts(DOROTHY)
    assert facts.protocol is Protocol.SIR_2019
    assert facts.patient.sex is Sex.FEMALE
    assert facts.procedure.levels == ("T12", "L1")
    assert facts.medications[0] == "Plavix 75 mg once daily"
    assert str(facts.procedure.start.tzinfo) == "America/Los_Angeles"


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("patient.weight_kg", -52, "patient.weight_kg"),
        ("patient.age", "seventy", "patient.age"),
        ("patient.sex", "f", "patient.sex"),
        ("patient.wieght_kg", 52, "patient.wieght_kg"),
        ("procedure.timezone", "America/Los_Angles", "procedure.timezone"),
        ("procedure.start", "2026-11-30T08:00:00-08:00", "procedure.start"),
        ("procedure.start", "2026-12-14T08:00:00", "procedure.start"),
        ("procedure.start", KeyError, "procedure.start"),
        ("procedure.levels", ["T13"], "procedure.levels[0]"),
        ("labs.inr", -1, "labs.inr"),
        ("labs.platelets_10e9_per_l", True, "labs.platelets_10e9_per_l"),
        ("protocol", "sir-2020", "protocol"),
        ("medications", "Plavix", "medications"),
        ("medications", ["Plavix", 75], "medications[1]"),
        ("medications", ["Plavix", "  "], "medications[1]"),
        ("as_of", "yesterday", "as_of"),
        ("colour", "blue", "colour"),
    ],
)
def test_it_names_the_field_of_bad_input(path: str, value: Any, field: str) -> None:
    with pytest.raises(FactsError) as raised:
        parse_facts(with_change(path, value))
    assert raised.value.field == field


def test_it_refuses_a_list_at_the_top_level() -> None:
    with pytest.raises(FactsError) as raised:
        parse_facts([DOROTHY])
    assert raised.value.field == "(top level)"


def test_it_reads_policies() -> None:
    facts = parse_facts({**DOROTHY, "policies": {"range_bound": "lower", "consult_lead_days": 10}})
    assert facts.policies.range_bound.value == "lower"
    assert facts.policies.consult_lead_days == 10
    with pytest.raises(FactsError) as raised:
        parse_facts({**DOROTHY, "policies": {"fasting": "breakfast"}})
    assert raised.value.field == "policies.fasting"
