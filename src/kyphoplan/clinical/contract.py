"""The plan as the contract's JSON (`shared/clinical/plan-contract.md`).

Names here are stable: integrations and acceptance checks read them. Fields
may be added; none may be renamed or dropped.
"""

from __future__ import annotations

from typing import Any

from kyphoplan.clinical.model import Action, Flag, Language, Plan, RecognizedMedication

DECISION_SUPPORT = (
    "Decision support for clinicians. Medication changes take effect only after a "
    "clinician reviews and signs the plan."
)


def _medication(med: RecognizedMedication, disposition: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "input": med.input,
        "recognized": med.recognized,
        "ingredients": list(med.ingredients),
        "classes": list(med.classes),
        "disposition": disposition,
    }
    if med.brand:
        body["brand"] = med.brand
    if med.dose is not None:
        body["dose"] = {
            "amount": med.dose.amount,
            "unit": med.dose.unit,
            "amounts": list(med.dose.amounts),
            "variable": med.dose.variable,
        }
    if med.frequency is not None:
        body["frequency"] = {
            "per_day": med.frequency.per_day,
            "times": list(med.frequency.times),
            "as_needed": med.frequency.as_needed,
            "weekly": med.frequency.weekly,
            "label": med.frequency.label,
        }
    if med.route:
        body["route"] = med.route
    if med.patient_unsure:
        body["patient_unsure"] = True
    if med.notes:
        body["notes"] = list(med.notes)
    return body


# Enum members' `_value_` is a plain attribute; `.value` is a Python-level property,
# and a plan reads some hundred of them.


def _action(action: Action, spanish: bool) -> dict[str, Any]:
    text = action.text
    body: dict[str, Any] = {"code": action.code._value_}
    if action.drug is not None:
        body["drug"] = action.drug
    body["due"] = action.due.isoformat() if action.due is not None else None
    if action.last_dose_date is not None:
        body["last_dose_date"] = action.last_dose_date.isoformat()
    body["audience"] = action.audience._value_
    body["requires_review"] = action.requires_review
    body["text"] = text.es if spanish else text.en
    body["texts"] = {"en": text.en, "es": text.es}
    if text.decided is not None:
        body["decided_texts"] = {"en": text.decided.en, "es": text.decided.es}
    body["rule"] = action.rule
    body["source"] = action.source
    body["guideline"] = action.guideline
    return body


def _flag(flag: Flag, spanish: bool) -> dict[str, Any]:
    text = flag.text
    body: dict[str, Any] = {"code": flag.code._value_}
    if flag.drug is not None:
        body["drug"] = flag.drug
    if flag.input is not None:
        body["input"] = flag.input
    body["severity"] = flag.severity._value_
    body["text"] = text.es if spanish else text.en
    body["texts"] = {"en": text.en, "es": text.es}
    body["rule"] = flag.rule
    body["source"] = flag.source
    body["guideline"] = flag.guideline
    return body


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    spanish = plan.language is Language.ES
    return {
        "protocol": plan.protocol.value,
        "ruleset_version": plan.ruleset_version,
        "as_of": plan.as_of.isoformat(),
        "procedure": {"start": plan.procedure_start.isoformat(), "timezone": plan.timezone},
        "language": plan.language.value,
        "decision_support": DECISION_SUPPORT,
        "medications": [
            _medication(med, disposition._value_)
            for med, disposition in zip(plan.medications, plan.dispositions, strict=True)
        ],
        "allergies": [
            {
                "input": allergy.input,
                "category": allergy.category,
                "recognized": allergy.recognized,
                "reaction": allergy.reaction,
            }
            for allergy in plan.allergies
        ],
        "renal": {"creatinine_clearance_ml_min": plan.crcl_ml_min, "origin": plan.crcl_origin},
        "policies": dict(plan.policies),
        "actions": [_action(action, spanish) for action in plan.actions],
        "flags": [_flag(flag, spanish) for flag in plan.flags],
    }
