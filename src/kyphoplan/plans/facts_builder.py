"""Build the contract's facts JSON from what the case, the intake and the booking know.

Pure: the caller passes `as_of` (now) and the procedure start. The output is
exactly the contract input, so a stored version can be replayed through
`kyphoplan plan` by anyone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# The intake's answers are the intake app's (a lower layer); re-exported for the facts' callers.
from kyphoplan.intake.answers import AllergyLine, Answers, MedicineLine

__all__ = ["AllergyLine", "Answers", "CaseInputs", "MedicineLine", "build_facts", "material"]

# In the patient's language: these lines are shown back to the patient on the plan.
# The recogniser reads "not sure" in both languages as `patient_unsure`.
UNSURE_SUFFIX = {"en": " (I am not sure what this is)", "es": " (no estoy seguro de qué es)"}
INSULIN_LINE = {"en": "insulin (I use insulin; name and dose not listed)",
                "es": "insulina (uso insulina; no anoté el nombre ni la dosis)"}


@dataclass(frozen=True)
class CaseInputs:
    levels: tuple[str, ...] = ()
    sedation: str = "moderate"
    age: int | None = None
    sex: str = "unknown"
    language: str = "en"
    protocol: str = "sir-2019"
    labs: dict[str, float | bool] = field(default_factory=dict)


def medicine_lines(answers: Answers, insulin_listed: bool, language: str = "en") -> list[str]:
    lang = language if language in UNSURE_SUFFIX else "en"
    lines = [m.text.strip() + (UNSURE_SUFFIX[lang] if m.unsure else "") for m in answers.medicines if m.text.strip()]
    # "I use insulin" with no insulin line: the engine must still see insulin, and the
    # clinician must see that the name and dose are missing.
    if answers.insulin and not insulin_listed:
        lines.append(INSULIN_LINE[lang])
    return lines


def coded_lines(answers: Answers, lines: list[str]) -> list[Any]:
    """`medicine_lines` with each imported line's codes: {"text", "codes"} (the facts' coded form)."""
    listed = [m for m in answers.medicines if m.text.strip()]
    return [{"text": line, "codes": [dict(c) for c in listed[i].codes]} if i < len(listed) and listed[i].codes
            else line for i, line in enumerate(lines)]


def allergy_lines(answers: Answers) -> list[str]:
    out = []
    for a in answers.allergies:
        if not a.substance.strip():
            continue
        out.append(f"{a.substance.strip()} - {a.reaction.strip()}" if a.reaction.strip() else a.substance.strip())
    return out


def build_facts(
    case: CaseInputs, answers: Answers, *, start: datetime, timezone: str, as_of: datetime,
    insulin_listed: bool = False, policies: dict[str, Any] | None = None,
) -> dict[str, Any]:
    patient: dict[str, Any] = {"sex": case.sex, "diabetes": answers.diabetes}
    if case.age is not None:
        patient["age"] = case.age
    for name in ("weight_kg", "height_cm", "smoker", "has_escort"):
        value = getattr(answers, name)
        if value is not None:
            patient[name] = value
    # The date drawn is for the people reading the labs; the contract's labs hold values only.
    labs: dict[str, Any] = {k: v for k, v in case.labs.items() if k != "drawn_on"}
    if answers.kidney == "dialysis":
        labs["on_dialysis"] = True
    procedure: dict[str, Any] = {"start": start.isoformat(), "timezone": timezone, "sedation": case.sedation}
    if case.levels:
        procedure["levels"] = list(case.levels)
    facts: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "procedure": procedure,
        "patient": patient,
        "medications": coded_lines(answers, medicine_lines(answers, insulin_listed, case.language)),
        "allergies": allergy_lines(answers),
        "labs": labs,
        "protocol": case.protocol,
        "language": case.language if case.language in ("en", "es") else "en",
    }
    if answers.indications:
        facts["indications"] = [dict(item) for item in answers.indications]
    if policies:
        facts["policies"] = dict(policies)
    return facts


def material(facts: dict[str, Any]) -> dict[str, Any]:
    """The facts without `as_of`: two versions differ only if this differs.

    The moment of the calculation alone never makes a new version; a change of
    medicines, labs, answers or date does.
    """
    return {k: v for k, v in facts.items() if k != "as_of"}
