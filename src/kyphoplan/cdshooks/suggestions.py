"""Suggestions on cards: draft lab orders the clinician can accept in the EHR.

A flag asking for a platelet count or an INR that the EHR did not give gets a
suggestion to order it (a draft ServiceRequest coded in LOINC); the overview card
offers all of them at once. Nothing is ordered unless the clinician accepts.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from kyphoplan.cdshooks.cards import OVERVIEW
from kyphoplan.fhir.inbound import LOINC
from kyphoplan.fhir.validate import emit

# flag code → (contract lab, LOINC code, LOINC long name, short name)
LAB_ORDERS: dict[str, tuple[str, str, str, str]] = {
    "inr-check": ("inr", "6301-6", "INR in Platelet poor plasma by Coagulation assay", "INR"),
    "platelet-check": ("platelets_10e9_per_l", "777-3", "Platelets [#/volume] in Blood by Automated count",
                       "platelet count"),
}


def _order(patient_id: str, code: str, display: str, short: str) -> dict[str, Any]:
    return emit({
        "resourceType": "ServiceRequest",
        "status": "draft",
        "intent": "order",
        "code": {"coding": [{"system": LOINC, "code": code, "display": display}], "text": short},
        "subject": {"reference": f"Patient/{patient_id}"},
        "reasonCode": [{"text": "Before balloon kyphoplasty (high bleeding risk procedure)"}],
    })


def _suggestion(label: str, patient_id: str, orders: list[tuple[str, str, str, str]]) -> dict[str, Any]:
    return {
        "label": label,
        "uuid": str(uuid.uuid4()),
        "isRecommended": True,
        "actions": [{"type": "create", "description": f"Order {short}",
                     "resource": _order(patient_id, code, display, short)} for _, code, display, short in orders],
    }


def lab_suggester(plan: Mapping[str, Any], labs: Mapping[str, Any],
                  patient_id: str) -> Callable[[str], list[dict[str, Any]]]:
    """`suggest(flag code or OVERVIEW)` for plan_cards: the labs the plan asks for and lacks."""
    flagged = {flag["code"] for flag in plan["flags"]}
    needed = [order for code, order in LAB_ORDERS.items() if code in flagged and order[0] not in labs]

    def suggest(code: str) -> list[dict[str, Any]]:
        if code == OVERVIEW:
            if len(needed) < 2:
                return []
            return [_suggestion(f"Order {' and '.join(o[3] for o in needed)}", patient_id, needed)]
        wanted = [o for c, o in LAB_ORDERS.items() if c == code and o in needed]
        return [_suggestion(f"Order {wanted[0][3]}", patient_id, wanted)] if wanted else []

    return suggest
