"""The plan a patient follows: the engine's actions with the clinician's overlays applied.

Pure. The engine output is never edited; an overlay names the action it changes
(by position in that version's action list) and carries the clinician's words,
the reason and who made it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class Overlay:
    kind: str  # "change", "remove", "add"
    action_index: int | None
    text: str
    due: datetime | None
    reason: str
    by: str


@dataclass(frozen=True)
class Line:
    code: str
    drug: str | None
    due: datetime | None
    last_dose_date: date | None
    text: str
    audience: str
    source: str
    rule: str
    requires_review: bool
    edited: bool = False
    reason: str = ""
    by: str = ""


def _line(action: dict[str, Any], language: str) -> Line:
    texts = action.get("texts") or {}
    due = action.get("due")
    last = action.get("last_dose_date")
    return Line(
        code=action["code"], drug=action.get("drug"),
        due=datetime.fromisoformat(due) if due else None,
        last_dose_date=date.fromisoformat(last) if last else None,
        text=texts.get(language) or action.get("text", ""),
        audience=action.get("audience", "patient"), source=action.get("source", ""),
        rule=action.get("rule", ""), requires_review=bool(action.get("requires_review")),
    )


def effective_lines(plan: dict[str, Any], overlays: list[Overlay], language: str) -> list[Line]:
    lines: list[Line | None] = [_line(a, language) for a in plan.get("actions", [])]
    added: list[Line] = []
    for o in overlays:
        if o.kind == "add":
            added.append(Line(code="clinician-instruction", drug=None, due=o.due, last_dose_date=None,
                              text=o.text, audience="patient", source="clinician", rule="",
                              requires_review=False, edited=True, reason=o.reason, by=o.by))
            continue
        if o.action_index is None or not 0 <= o.action_index < len(lines):
            raise ValueError(f"overlay points at no action: {o.action_index}")
        current = lines[o.action_index]
        if current is None:
            continue
        if o.kind == "remove":
            lines[o.action_index] = None
        elif o.kind == "change":
            due = o.due or current.due
            lines[o.action_index] = Line(
                code=current.code, drug=current.drug, due=due,
                last_dose_date=current.last_dose_date if o.due is None else None,
                text=o.text or current.text, audience=current.audience, source=current.source,
                rule=current.rule, requires_review=False, edited=True, reason=o.reason, by=o.by,
            )
        else:
            raise ValueError(f"unknown overlay kind {o.kind!r}")
    kept = [line for line in lines if line is not None] + added
    dated = sorted((ln for ln in kept if ln.due is not None), key=lambda ln: ln.due)  # type: ignore[arg-type,return-value]
    return dated + [ln for ln in kept if ln.due is None]


def patient_lines(lines: list[Line]) -> list[Line]:
    return [ln for ln in lines if ln.audience == "patient"]
