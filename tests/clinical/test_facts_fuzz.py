"""The facts parser under hostile input: anything at all is either facts or one FactsError.

Extreme dates, zones that are not places, huge lists and deep nesting must never become a
traceback in `kyphoplan plan` or a 500 from POST /api/v1/plans/preview.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kyphoplan.clinical.contract import plan_to_dict
from kyphoplan.clinical.facts import FactsError, parse_facts
from kyphoplan.clinical.plan import build_plan

EXAMPLE = json.loads(
    (Path(__file__).resolve().parents[2] / "examples" / "dorothy-clopidogrel-apixaban.json").read_text()
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
DATE_TEXTS = st.sampled_from([
    "0001-01-01T00:00:00+00:00", "0001-01-01T00:00:00-12:00", "9999-12-31T23:59:59+14:00",
    "9999-12-31T23:59:59-12:00", "1899-12-31T23:59:59+00:00", "2201-01-01T00:00:00+00:00",
    "2026-12-01T10:00:00", "2026-12-01", "2026-02-30T10:00:00+00:00", "",
]) | st.datetimes().map(lambda d: d.isoformat() + "+00:00")
FIELDS = ["as_of", "procedure.start", "procedure.timezone", "procedure.levels", "procedure.sedation",
          "patient.age", "patient.weight_kg", "patient.diabetes", "labs.egfr", "labs.inr",
          "medications", "allergies", "protocol", "language", "policies.consult_lead_days", "policies.fasting"]


def _plan_or_facts_error(raw: Any) -> None:
    try:
        facts = parse_facts(raw)
    except FactsError as error:
        assert error.field and error.message and "\n" not in error.message
        return
    plan_to_dict(build_plan(facts))


def _set(facts: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    target = facts
    for name in parents:
        target = target.setdefault(name, {}) if isinstance(target.get(name), dict) else target
    target[last] = value


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FIELDS), json_values | DATE_TEXTS)
def test_it_turns_any_value_in_any_field_into_a_plan_or_one_named_error(field: str, value: Any) -> None:
    facts = copy.deepcopy(EXAMPLE)
    _set(facts, field, value)
    _plan_or_facts_error(facts)


@settings(max_examples=200, deadline=None)
@given(DATE_TEXTS, DATE_TEXTS)
def test_it_refuses_dates_a_plan_cannot_hold(as_of: str, start: str) -> None:
    facts = copy.deepcopy(EXAMPLE)
    facts["as_of"], facts["procedure"]["start"] = as_of, start
    _plan_or_facts_error(facts)


@settings(max_examples=100, deadline=None)
@given(json_values)
def test_it_refuses_any_other_document(raw: Any) -> None:
    _plan_or_facts_error(raw)


@pytest.mark.parametrize(("field", "value", "named"), [
    ("as_of", "0001-01-01T00:00:00+00:00", "as_of"),
    ("procedure.start", "9999-12-31T23:59:59+00:00", "procedure.start"),
    ("procedure.start", "2031-01-01T08:00:00-08:00", "procedure.start"),
    ("procedure.timezone", "localtime", "procedure.timezone"),
    ("procedure.timezone", "posixrules", "procedure.timezone"),
    ("procedure.timezone", "Factory", "procedure.timezone"),
    ("medications", ["aspirin 81 mg"] * 101, "medications"),
    ("allergies", ["penicillin"] * 101, "allergies"),
])
def test_it_names_the_field_of_an_extreme_value(field: str, value: Any, named: str) -> None:
    facts = copy.deepcopy(EXAMPLE)
    _set(facts, field, value)
    with pytest.raises(FactsError) as caught:
        parse_facts(facts)
    assert caught.value.field == named
