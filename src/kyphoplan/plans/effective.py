"""The plan a patient follows: the engine's actions with the clinician's overrides applied.

Pure. The engine output is never edited. An override names the line it changes
by a target that survives a re-plan: the action's code, its drug and which
occurrence of that (code, drug) pair it is, in plan order (the third prednisone
dose of a premedication regimen is `take-premedication / prednisone / 2`).
After signing, a line that asked for approval reads as the decision
(`decided_texts` from the engine): the signature is the approval.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

CLINICIAN_INSTRUCTION = "clinician-instruction"


class OverrideKind:
    REPLACE = "replace"
    REMOVE = "remove"
    ADD = "add"


@dataclass(frozen=True, order=True)
class Target:
    code: str
    drug: str = ""  # "" for a line that names no drug
    occurrence: int = 0

    def label(self) -> str:
        what = f"{self.code} {self.drug}".strip()
        return what if self.occurrence == 0 else f"{what} (#{self.occurrence + 1})"

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "drug": self.drug or None, "occurrence": self.occurrence}


@dataclass(frozen=True)
class Overlay:
    kind: str  # OverrideKind
    target: Target | None  # None for an added line
    texts: dict[str, str] = field(default_factory=dict)  # language → the clinician's words
    due: datetime | None = None
    reason: str = ""
    by: str = ""

    def text(self, language: str) -> str:
        return self.texts.get(language) or self.texts.get("en") or next(iter(self.texts.values()), "")


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
    target: Target | None = None  # the engine line this is (or replaced); None for an added line
    replaces: str = ""  # the engine's code, when a clinician replaced the line


def targets(actions: list[dict[str, Any]]) -> list[Target]:
    """The target of every action, in plan order."""
    seen: dict[tuple[str, str], int] = {}
    out = []
    for action in actions:
        key = (action["code"], action.get("drug") or "")
        n = seen.get(key, 0)
        seen[key] = n + 1
        out.append(Target(key[0], key[1], n))
    return out


def find_target(plan: dict[str, Any], code: str, drug: str | None, occurrence: int | None) -> Target:
    """The one line a clinician names, or ValueError saying why there is none."""
    matches = [t for t in targets(plan.get("actions", [])) if t.code == code and t.drug == (drug or "")]
    if not matches:
        raise ValueError(f"the plan has no line {code} {drug or ''}".strip())
    if occurrence is None:
        if len(matches) > 1:
            raise ValueError(f"{len(matches)} lines are {code} {drug or ''}: name the occurrence (0 to "
                             f"{len(matches) - 1})")
        return matches[0]
    if not 0 <= occurrence < len(matches):
        raise ValueError(f"occurrence must be 0 to {len(matches) - 1}")
    return matches[occurrence]


def has_target(plan: dict[str, Any], target: Target) -> bool:
    return target in set(targets(plan.get("actions", [])))


def _line(action: dict[str, Any], target: Target, language: str, decided: bool) -> Line:
    texts = action.get("texts") or {}
    review = bool(action.get("requires_review"))
    if decided and review and action.get("decided_texts"):
        texts = action["decided_texts"]
    due = action.get("due")
    last = action.get("last_dose_date")
    return Line(
        code=action["code"], drug=action.get("drug"),
        due=datetime.fromisoformat(due) if due else None,
        last_dose_date=date.fromisoformat(last) if last else None,
        text=texts.get(language) or action.get("text", ""),
        audience=action.get("audience", "patient"), source=action.get("source", ""),
        rule=action.get("rule", ""), requires_review=review and not decided, target=target,
    )


def effective_lines(
    plan: dict[str, Any], overlays: list[Overlay], language: str, *, decided: bool = False,
) -> list[Line]:
    """Every line of the plan as the patient will read it. `decided`: the version is signed."""
    actions = plan.get("actions", [])
    ids = targets(actions)
    position = {t: i for i, t in enumerate(ids)}
    lines: list[Line | None] = [_line(a, t, language, decided) for a, t in zip(actions, ids, strict=True)]
    added: list[Line] = []
    for o in overlays:
        if o.kind == OverrideKind.ADD:
            added.append(Line(code=CLINICIAN_INSTRUCTION, drug=o.target.drug or None if o.target else None,
                              due=o.due, last_dose_date=None, text=o.text(language), audience="patient",
                              source="clinician", rule="", requires_review=False, edited=True, reason=o.reason,
                              by=o.by))
            continue
        index = position.get(o.target) if o.target is not None else None
        if index is None:
            raise ValueError(f"override points at no line: {o.target.label() if o.target else '-'}")
        current = lines[index]
        if current is None:
            continue
        if o.kind == OverrideKind.REMOVE:
            lines[index] = None
        elif o.kind == OverrideKind.REPLACE:
            # The clinician's words replace the engine's: the line is theirs now, so no channel
            # reads it as the engine's instruction (no "last day of aspirin" after "keep taking it").
            lines[index] = Line(
                code=CLINICIAN_INSTRUCTION, drug=current.drug, due=o.due or current.due,
                last_dose_date=current.last_dose_date if o.due is None else None,
                text=o.text(language) or current.text, audience=current.audience, source="clinician",
                rule=current.rule, requires_review=False, edited=True, reason=o.reason, by=o.by,
                target=current.target, replaces=current.replaces or current.code,
            )
        else:
            raise ValueError(f"unknown override kind {o.kind!r}")
    kept = [line for line in lines if line is not None] + added
    dated = sorted((ln for ln in kept if ln.due is not None), key=lambda ln: ln.due)  # type: ignore[arg-type,return-value]
    return dated + [ln for ln in kept if ln.due is None]


def patient_lines(lines: list[Line]) -> list[Line]:
    return [ln for ln in lines if ln.audience == "patient"]


@dataclass(frozen=True)
class MedicineInstruction:
    input: str
    drug: str  # the ingredients, "+"-joined; "" when not recognised
    disposition: str  # the engine's: continue, stop, adjust, review
    clinician_text: str = ""  # what the clinician wrote about it, when they changed its lines


def medicines(plan: dict[str, Any], lines: list[Line], overlays: list[Overlay], language: str) -> list[MedicineInstruction]:
    """The patient's own medicine lines and what to do with each, after the clinician's changes.

    A drug whose lines a clinician replaced reads with the clinician's words; one whose
    lines were only removed reads "ask your care team" (the engine's instruction no longer
    stands, and nothing the clinician wrote replaces it)."""
    touched: dict[str, list[str]] = {}
    for o in overlays:
        if o.target is not None and o.target.drug and o.kind in (OverrideKind.REPLACE, OverrideKind.REMOVE):
            touched.setdefault(o.target.drug, [])
    for ln in lines:
        if ln.replaces and ln.drug and ln.text not in touched.setdefault(ln.drug, []):
            touched[ln.drug].append(ln.text)
    out = []
    for med in plan.get("medications", []):
        ingredients = [str(i) for i in med.get("ingredients") or []]
        disposition = str(med.get("disposition", "review"))
        texts = [t for i in ingredients for t in touched.get(i, [])]
        if not texts and any(i in touched for i in ingredients):
            disposition = "review"
        out.append(MedicineInstruction(input=med["input"], drug="+".join(ingredients), disposition=disposition,
                                clinician_text=" ".join(dict.fromkeys(texts))))
    return out
