"""Validate a resource we emit: the R4B model (structure, types, cardinality) plus the
required code bindings the library does not check (it accepts any string as a code).

`emit(resource)` returns the JSON as the model serialises it, so what we send is what
parses back: parse → serialise gives the same JSON again (tested for every resource).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

REQUEST_STATUS = {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"}
REQUEST_INTENT = {"proposal", "plan", "directive", "order", "option"}
CAREPLAN_ACTIVITY_STATUS = {"not-started", "scheduled", "in-progress", "on-hold", "completed", "cancelled",
                            "stopped", "unknown", "entered-in-error"}
TASK_STATUS = {"draft", "requested", "received", "accepted", "rejected", "ready", "cancelled", "in-progress",
               "on-hold", "failed", "completed", "entered-in-error"}
TASK_INTENT = {"unknown", "proposal", "plan", "order", "original-order", "reflex-order", "filler-order",
               "instance-order", "option"}
APPOINTMENT_STATUS = {"proposed", "pending", "booked", "arrived", "fulfilled", "cancelled", "noshow",
                      "entered-in-error", "checked-in", "waitlist"}
MEDSTATEMENT_STATUS = {"active", "completed", "entered-in-error", "intended", "stopped", "on-hold", "unknown",
                       "not-taken"}
PUBLICATION_STATUS = {"draft", "active", "retired", "unknown"}
QR_STATUS = {"in-progress", "completed", "amended", "entered-in-error", "stopped"}
GENDER = {"male", "female", "other", "unknown"}
ALLERGY_CLINICAL = ("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
                    {"active", "inactive", "resolved"})
ALLERGY_VERIFICATION = ("http://terminology.hl7.org/CodeSystem/allergyintolerance-verification",
                        {"unconfirmed", "confirmed", "refuted", "entered-in-error"})
QUESTIONNAIRE_ITEM_TYPE = {"group", "display", "boolean", "decimal", "integer", "date", "dateTime", "time",
                           "string", "text", "url", "choice", "open-choice", "attachment", "reference",
                           "quantity", "question"}

# resourceType → [(dotted path, allowed codes, required)]
_CODES: dict[str, list[tuple[str, set[str], bool]]] = {
    "CarePlan": [("status", REQUEST_STATUS, True), ("intent", {"proposal", "plan", "order", "option"}, True),
                 ("activity.detail.status", CAREPLAN_ACTIVITY_STATUS, True)],
    "Task": [("status", TASK_STATUS, True), ("intent", TASK_INTENT, True)],
    "Appointment": [("status", APPOINTMENT_STATUS, True)],
    "MedicationStatement": [("status", MEDSTATEMENT_STATUS, True)],
    "Questionnaire": [("status", PUBLICATION_STATUS, True), ("item.type", QUESTIONNAIRE_ITEM_TYPE, True),
                      ("item.item.type", QUESTIONNAIRE_ITEM_TYPE, True)],
    "QuestionnaireResponse": [("status", QR_STATUS, True)],
    "Patient": [("gender", GENDER, False)],
    "CapabilityStatement": [("status", PUBLICATION_STATUS, True),
                            ("kind", {"instance", "capability", "requirements"}, True)],
}


# Callables shown every resource `emit` produces. The test suite registers one that records
# them (KYPHOPLAN_FHIR_RECORD), so an independent validator can check every resource the
# tests produced (scripts/validate_fhir.cjs); nothing is registered in production.
OBSERVERS: list[Callable[[dict[str, Any]], None]] = []


class FhirInvalid(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _values(node: Any, path: list[str]) -> list[Any]:
    if not path:
        return [node]
    if isinstance(node, list):
        return [v for item in node for v in _values(item, path)]
    if not isinstance(node, Mapping) or path[0] not in node:
        return [None] if isinstance(node, Mapping) and len(path) == 1 else []
    return _values(node[path[0]], path[1:])


def _coded(resource: Mapping[str, Any], name: str, binding: tuple[str, set[str]], problems: list[str]) -> None:
    concept = resource.get(name)
    if concept is None:
        return
    system, codes = binding
    found = [c for c in concept.get("coding") or [] if c.get("system") == system]
    if not found or any(c.get("code") not in codes for c in found):
        problems.append(f"{name}: needs a {system} code in {sorted(codes)}")


def binding_problems(resource: Mapping[str, Any]) -> list[str]:
    kind = str(resource.get("resourceType"))
    problems = []
    for dotted, allowed, required in _CODES.get(kind, []):
        for value in _values(resource, dotted.split(".")):
            if value is None:
                if required and "." not in dotted:
                    problems.append(f"{dotted}: is required")
            elif value not in allowed:
                problems.append(f"{dotted}: {value!r} is not one of {sorted(allowed)}")
    if kind == "AllergyIntolerance":
        _coded(resource, "clinicalStatus", ALLERGY_CLINICAL, problems)
        _coded(resource, "verificationStatus", ALLERGY_VERIFICATION, problems)
        if (resource.get("verificationStatus") or {}).get("coding", [{}])[0].get("code") == "entered-in-error" \
                and resource.get("clinicalStatus"):
            problems.append("clinicalStatus: must be absent when verificationStatus is entered-in-error")
    return problems


def emit(resource: Mapping[str, Any]) -> dict[str, Any]:
    """Validate and return the resource's JSON as the R4B model serialises it."""
    kind = resource.get("resourceType")
    if not isinstance(kind, str):
        raise FhirInvalid(["resourceType: is required"])
    try:
        model = get_fhir_model_class(kind).model_validate(dict(resource))
    except (ValidationError, KeyError, ValueError) as exc:
        raise FhirInvalid([f"{kind}: {exc}"]) from None
    problems = binding_problems(resource)
    if problems:
        raise FhirInvalid(problems)
    data: dict[str, Any] = model.model_dump(mode="json")
    for observe in OBSERVERS:
        observe(data)
    return data
