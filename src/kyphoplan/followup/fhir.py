"""FHIR R4 views of follow-up: the instruments (Questionnaire), the answers
(QuestionnaireResponse, one per instrument and check-in) and the scores (Observation).

REFERENCE marks no LOINC code for the pain score as verified, so every Observation code is
text only; a practice instrument's score carries the instrument's own title.
"""

from __future__ import annotations

from typing import Any

from kyphoplan.fhir.resources import instant
from kyphoplan.followup.instruments import Answer, Instrument, Item, registry
from kyphoplan.followup.models import CheckIn
from kyphoplan.followup.timepoints import TimePoint

CATEGORY = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "survey",
                        "display": "Survey"}]}


def questionnaire(inst: Instrument) -> dict[str, Any]:
    return dict(inst.questionnaire)


def _answer(item: Item, value: Answer) -> dict[str, Any]:
    if item.type == "boolean":
        return {"valueBoolean": bool(value)}
    if item.type == "integer":
        return {"valueInteger": int(value)}
    if item.type == "choice":
        coding = next((o for group in item_options(item) for o in group if o.get("code") == value), None)
        return {"valueCoding": dict(coding) if coding else {"code": str(value)}}
    return {"valueString": str(value)}


def item_options(item: Item) -> list[list[dict[str, Any]]]:
    for inst in registry().values():
        for raw in inst.questionnaire.get("item") or []:
            if raw.get("linkId") == item.link_id:
                return [[o["valueCoding"] for o in raw.get("answerOption") or []]]
    return []


def _instruments(checkin: CheckIn) -> list[Instrument]:
    point = TimePoint(checkin.timepoint)
    links = set(checkin.answers)
    return [i for i in registry().values() if point in i.timepoints and links & {it.link_id for it in i.items}]


def questionnaire_responses(checkin: CheckIn) -> list[dict[str, Any]]:
    if checkin.answered_at is None:
        return []
    out = []
    for inst in _instruments(checkin):
        items = [{"linkId": it.link_id, "text": it.text["en"], "answer": [_answer(it, checkin.answers[it.link_id])]}
                 for it in inst.items if it.link_id in checkin.answers]
        out.append({
            "resourceType": "QuestionnaireResponse", "id": f"followup-{checkin.pk}-{inst.id}",
            "questionnaire": f"{inst.questionnaire.get('url')}|{inst.questionnaire.get('version', '1')}",
            "status": "completed", "subject": {"reference": f"Patient/{checkin.case_id}"},
            "authored": instant(checkin.answered_at),
            "extension": [{"url": "https://kyphoplan.org/fhir/StructureDefinition/followup-timepoint",
                           "valueString": TimePoint(checkin.timepoint).label}],
            "item": items,
        })
    return out


def observations(checkin: CheckIn) -> list[dict[str, Any]]:
    if checkin.answered_at is None:
        return []
    out = []
    for inst in _instruments(checkin):
        for score in inst.scores:
            value = checkin.scores.get(f"{inst.id}/{score.id}")
            if value is None:
                continue
            integral = score.method in ("item", "count_true", "sum") and float(value).is_integer()
            out.append({
                "resourceType": "Observation",
                "id": f"followup-{checkin.pk}-{inst.id}.{score.id}".replace("_", "-")[:64],  # FHIR ids: no "_"
                "status": "final", "category": [CATEGORY],
                "code": {"text": f"{score.label['en']} — {inst.title['en']} (patient-reported)"},
                "subject": {"reference": f"Patient/{checkin.case_id}"},
                "effectiveDateTime": instant(checkin.answered_at),
                **({"valueInteger": int(value)} if integral else {"valueQuantity": {"value": value}}),
                "derivedFrom": [{"reference": f"QuestionnaireResponse/followup-{checkin.pk}-{inst.id}"}],
                "note": [{"text": f"Follow-up time point: {TimePoint(checkin.timepoint).label}"}],
            })
    return out
