"""The intake as a FHIR Questionnaire, a completed intake as a QuestionnaireResponse,
and a QuestionnaireResponse back into the intake's answers (for create).

Link ids are the intake's own field names, so the mapping is one table both ways.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

QUESTIONNAIRE_ID = "kyphoplasty-intake"
CANONICAL = f"https://kyphoplan.org/fhir/Questionnaire/{QUESTIONNAIRE_ID}"
ANSWER_SYSTEM = "https://kyphoplan.org/fhir/CodeSystem/intake-answer"

DIABETES = ("none", "type1", "type2", "other", "unknown")
KIDNEY = ("no", "yes", "dialysis", "unknown")
# linkId → (type, question, choices)
_SIMPLE: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "diabetes": ("choice", "Do you have diabetes?", DIABETES),
    "insulin": ("boolean", "Do you use insulin?", ()),
    "kidney": ("choice", "Do you have kidney disease?", KIDNEY),
    "smoker": ("boolean", "Do you smoke?", ()),
    "has_escort": ("boolean", "Will an adult take you home and stay with you that day?", ()),
    "weight_kg": ("decimal", "Weight (kg)", ()),
    "height_cm": ("decimal", "Height (cm)", ()),
}


class ResponseError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def questionnaire() -> dict[str, Any]:
    items: list[dict[str, Any]] = [
        {"linkId": "medicines", "type": "group", "repeats": True, "text": "Medicines you take",
         "item": [{"linkId": "medicines.text", "type": "string", "text": "Medicine, dose and how often",
                   "required": True},
                  {"linkId": "medicines.unsure", "type": "boolean", "text": "Not sure what this is"}]},
        {"linkId": "allergies", "type": "group", "repeats": True, "text": "Allergies",
         "item": [{"linkId": "allergies.substance", "type": "string", "text": "What you are allergic to",
                   "required": True},
                  {"linkId": "allergies.reaction", "type": "string", "text": "What happened"}]},
    ]
    for link_id, (kind, text, choices) in _SIMPLE.items():
        item: dict[str, Any] = {"linkId": link_id, "type": kind, "text": text}
        if choices:
            item["answerOption"] = [{"valueCoding": {"system": ANSWER_SYSTEM, "code": c}} for c in choices]
        items.append(item)
    return {"resourceType": "Questionnaire", "id": QUESTIONNAIRE_ID, "url": CANONICAL, "version": "1",
            "name": "KyphoplastyIntake", "title": "Kyphoplasty intake", "status": "active",
            "subjectType": ["Patient"], "item": items}


def _answer(kind: str, value: Any) -> dict[str, Any]:
    if kind == "choice":
        return {"valueCoding": {"system": ANSWER_SYSTEM, "code": value}}
    return {"valueBoolean" if kind == "boolean" else "valueDecimal" if kind == "decimal" else "valueString": value}


def questionnaire_response(intake: Mapping[str, Any]) -> dict[str, Any]:
    """{"id", "case_id", "status", "submitted_at", "updated_at", "data"} → QuestionnaireResponse."""
    data = intake.get("data") or {}
    items: list[dict[str, Any]] = []
    for med in data.get("medicines", []):
        sub = [{"linkId": "medicines.text", "answer": [{"valueString": med["text"]}]}]
        if med.get("unsure"):
            sub.append({"linkId": "medicines.unsure", "answer": [{"valueBoolean": True}]})
        items.append({"linkId": "medicines", "item": sub})
    for allergy in data.get("allergies", []):
        sub = [{"linkId": "allergies.substance", "answer": [{"valueString": allergy["substance"]}]}]
        if allergy.get("reaction"):
            sub.append({"linkId": "allergies.reaction", "answer": [{"valueString": allergy["reaction"]}]})
        items.append({"linkId": "allergies", "item": sub})
    for link_id, (kind, _, _) in _SIMPLE.items():
        if data.get(link_id) is not None:
            items.append({"linkId": link_id, "answer": [_answer(kind, data[link_id])]})
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": str(intake["id"]),
        "questionnaire": CANONICAL,
        "status": "completed" if intake.get("status") == "submitted" else "in-progress",
        "subject": {"reference": f"Patient/{intake['case_id']}"},
        "authored": str(intake.get("submitted_at") or intake["updated_at"]),
    }
    if items:
        resource["item"] = items
    return resource


def _one(item: Mapping[str, Any], field: str) -> Mapping[str, Any]:
    answers = item.get("answer") or []
    if len(answers) != 1 or not isinstance(answers[0], Mapping):
        raise ResponseError(field, "needs exactly one answer")
    return answers[0]


def _value(item: Mapping[str, Any], field: str, kind: str, choices: tuple[str, ...] = ()) -> Any:
    answer = _one(item, field)
    if kind == "choice":
        code = (answer.get("valueCoding") or {}).get("code")
        if code not in choices:
            raise ResponseError(field, f"must be one of {', '.join(choices)}")
        return code
    key = {"boolean": "valueBoolean", "decimal": "valueDecimal", "string": "valueString"}[kind]
    value = answer.get(key)
    ok = {"boolean": isinstance(value, bool), "string": isinstance(value, str) and value.strip() != "",
          "decimal": isinstance(value, int | float) and not isinstance(value, bool)}[kind]
    if not ok:
        raise ResponseError(field, f"needs a {key}")
    return value


def answers_from_response(resource: Mapping[str, Any]) -> dict[str, Any]:
    """A QuestionnaireResponse for our intake → the intake's `data` shape. Raises ResponseError."""
    if resource.get("questionnaire") not in {CANONICAL, f"Questionnaire/{QUESTIONNAIRE_ID}"}:
        raise ResponseError("questionnaire", f"must be {CANONICAL}")
    data: dict[str, Any] = {"medicines": [], "allergies": []}
    for index, item in enumerate(resource.get("item") or []):
        link_id = item.get("linkId")
        where = f"item[{index}]"
        if link_id in ("medicines", "allergies"):
            parts = {sub.get("linkId"): sub for sub in item.get("item") or []}
            if link_id == "medicines":
                text = _value(parts.get("medicines.text", {}), f"{where}.medicines.text", "string")
                unsure = "medicines.unsure" in parts and _value(parts["medicines.unsure"], f"{where}.medicines.unsure", "boolean")
                data["medicines"].append({"text": text, "unsure": bool(unsure)})
            else:
                substance = _value(parts.get("allergies.substance", {}), f"{where}.allergies.substance", "string")
                reaction = (_value(parts["allergies.reaction"], f"{where}.allergies.reaction", "string")
                            if "allergies.reaction" in parts else "")
                data["allergies"].append({"substance": substance, "reaction": reaction})
        elif link_id in _SIMPLE:
            kind, _, choices = _SIMPLE[link_id]
            data[link_id] = _value(item, f"{where}.{link_id}", kind, choices)
        else:
            raise ResponseError(f"{where}.linkId", f"unknown question {link_id!r}")
    return data
