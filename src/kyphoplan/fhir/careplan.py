"""A plan version (the contract's plan JSON plus its version facts) → a FHIR R4 CarePlan.

Each action becomes an activity. A hold (`stop-medication`, `hold-after-procedure`)
is `doNotPerform: true` on the drug, scheduled from its due time until the matching
resume (when the plan has one). Every other action is scheduled at its due time.
Flags go to `note` for clinicians. An unsigned version is a `draft`; a signed one is `active`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ACTION_SYSTEM = "https://kyphoplan.org/fhir/CodeSystem/plan-action"
FLAG_SYSTEM = "https://kyphoplan.org/fhir/CodeSystem/plan-flag"
RULE_EXTENSION = "https://kyphoplan.org/fhir/StructureDefinition/plan-rule"
_HOLDS = {"stop-medication", "hold-after-procedure"}


def _resume_after(actions: list[Mapping[str, Any]], index: int) -> str | None:
    drug = actions[index].get("drug")
    for later in actions[index + 1:]:
        if later["code"] == "resume-medication" and later.get("drug") == drug and later.get("due"):
            return str(later["due"])
    return None


def _activity(actions: list[Mapping[str, Any]], index: int) -> dict[str, Any]:
    action = actions[index]
    detail: dict[str, Any] = {
        "kind": "MedicationRequest" if action.get("drug") else "Task",
        "code": {"coding": [{"system": ACTION_SYSTEM, "code": action["code"]}], "text": action["code"]},
        "status": "not-started",
        "doNotPerform": action["code"] in _HOLDS,
        "description": action.get("text") or action["code"],
    }
    if action.get("rule"):
        detail["extension"] = [{"url": RULE_EXTENSION, "valueString": f"{action['rule']} ({action.get('source')})"}]
    if action.get("drug"):
        detail["productCodeableConcept"] = {"text": action["drug"]}
    due = action.get("due")
    if due:
        period: dict[str, str] = {"start": due}
        end = _resume_after(actions, index) if action["code"] in _HOLDS else None
        if end:
            period["end"] = end
        detail["scheduledPeriod"] = period
    return {"detail": detail}


def careplan(version: Mapping[str, Any]) -> dict[str, Any]:
    """`version`: {"id", "case_id", "number", "created_at", "signed_at", "plan"} (plain values)."""
    plan = version["plan"]
    actions = list(plan["actions"])
    resource: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": str(version["id"]),
        "identifier": [{"system": "https://kyphoplan.org/fhir/plan-version",
                        "value": f"{version['case_id']}/v{version['number']}"}],
        # Only the latest signed version is the plan the patient follows; one a later
        # signature replaced is revoked.
        "status": version.get("status") or ("active" if version.get("signed_at") else "draft"),
        "intent": "plan",
        "title": f"Kyphoplasty preparation plan, version {version['number']}",
        "description": plan.get("decision_support", ""),
        "subject": {"reference": f"Patient/{version['case_id']}"},
        "period": {"end": plan["procedure"]["start"]},
        "created": str(version["created_at"]),
        "activity": [_activity(actions, i) for i in range(len(actions))],
        "note": [
            {"text": f"[{flag['severity']}] {flag['code']}: {flag.get('text') or ''} ({flag.get('source')})"}
            for flag in plan["flags"]
        ],
    }
    if not resource["note"]:
        del resource["note"]
    if not resource["activity"]:
        del resource["activity"]
    return resource
