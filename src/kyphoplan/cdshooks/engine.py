"""Run the clinical engine on facts built from an EHR, dropping numbers it calls impossible.

An EHR may send a value the engine rejects (an eGFR of 250, an age of 140): that
one value is left out and named on the overview card; everything else stands.
"""

from __future__ import annotations

import copy
from typing import Any

from kyphoplan.clinical.facts import FactsError, parse_facts

_DROPPABLE = ("labs.", "patient.")


def run_engine(facts: dict[str, Any], notes: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return (plan as contract JSON, the facts actually used). Appends to `notes`."""
    # Imported here so the URL configuration loads without building the drug knowledge base.
    from kyphoplan.clinical.contract import plan_to_dict
    from kyphoplan.clinical.plan import build_plan

    used = copy.deepcopy(facts)
    while True:
        try:
            return plan_to_dict(build_plan(parse_facts(used))), used
        except FactsError as error:
            section, _, name = error.field.partition(".")
            if not error.field.startswith(_DROPPABLE) or name not in used.get(section, {}):
                raise
            del used[section][name]
            notes.append(f"EHR value {error.field} left out: {error.message}.")
