"""FHIR R4 resources from an EHR → the contract's free-text lines and numbers.

Pure functions over JSON dicts (as a FHIR server sends them). Nothing is dropped
silently: a resource we cannot turn into a line is returned as a `Skipped` with
its reason, so callers can show it.

LOINC codes read (docs/integration.md lists them too):
- eGFR: 98979-8 (CKD-EPI 2021), 62238-1 (CKD-EPI), 33914-3 (MDRD), 48642-3 / 48643-1
  (MDRD non-black / black), 50044-7, 69405-9
- serum/plasma creatinine: 2160-0 (mg/dL), 38483-4 (blood, mg/dL), 14682-9 (µmol/L)
- INR: 6301-6, 34714-6; platelets: 777-3, 26515-7; body weight: 29463-7, 3141-9
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

LOINC = "http://loinc.org"
EGFR_CODES = ("98979-8", "62238-1", "33914-3", "48642-3", "48643-1", "50044-7", "69405-9")
CREATININE_MG_DL_CODES = ("2160-0", "38483-4")
CREATININE_UMOL_L_CODES = ("14682-9",)
INR_CODES = ("6301-6", "34714-6")
PLATELET_CODES = ("777-3", "26515-7")
WEIGHT_CODES = ("29463-7", "3141-9")
LAB_CODES = (*EGFR_CODES, *CREATININE_MG_DL_CODES, *CREATININE_UMOL_L_CODES, *INR_CODES,
             *PLATELET_CODES, *WEIGHT_CODES)
UMOL_PER_MG_DL_CREATININE = 88.42

_MED_INACTIVE = {"stopped", "completed", "entered-in-error", "cancelled", "not-taken", "revoked",
                 "draft", "unknown"}
_ALLERGY_INACTIVE_CLINICAL = {"inactive", "resolved"}
_ALLERGY_NOT_REAL = {"refuted", "entered-in-error"}
_OBS_USABLE = {"final", "amended", "corrected", "preliminary"}


@dataclass(frozen=True)
class Line:
    text: str
    source: str  # "MedicationRequest/123" or a full URL: where the line came from
    # Allergies only: the two halves of `text` ("penicillin", "hives"), for the intake form.
    substance: str = ""
    reaction: str = ""
    # The codings the EHR gave (RxNorm, SNOMED CT, ...), kept next to the text.
    codes: tuple[dict[str, str], ...] = ()


@dataclass(frozen=True)
class Skipped:
    source: str
    reason: str


def reference(resource: Mapping[str, Any]) -> str:
    return f"{resource.get('resourceType', '?')}/{resource.get('id', '?')}"


def concept_text(concept: Mapping[str, Any] | None) -> str:
    """The human text of a CodeableConcept: its text, else the first coding's display."""
    if not concept:
        return ""
    text = str(concept.get("text") or "").strip()
    if text:
        return text
    for coding in concept.get("coding") or []:
        display = str(coding.get("display") or "").strip()
        if display:
            return display
    return ""


def _codes(concept: Mapping[str, Any] | None) -> set[tuple[str, str]]:
    return {(str(c.get("system", "")), str(c.get("code", ""))) for c in (concept or {}).get("coding") or []}


def codings(concept: Mapping[str, Any] | None) -> tuple[dict[str, str], ...]:
    """A CodeableConcept's codings that have a system and a code, as plain dicts."""
    kept = []
    for coding in (concept or {}).get("coding") or []:
        system, code = str(coding.get("system") or "").strip(), str(coding.get("code") or "").strip()
        if system and code:
            item = {"system": system, "code": code[:100]}
            if coding.get("display"):
                item["display"] = str(coding["display"])[:500]
            kept.append(item)
    return tuple(kept)


def _medication_concept(resource: Mapping[str, Any], included: Mapping[str, Mapping[str, Any]]
                        ) -> tuple[Mapping[str, Any] | None, str]:
    """The medicine's CodeableConcept (inline, contained or included Medication) and a fallback text."""
    if resource.get("medicationCodeableConcept"):
        return resource["medicationCodeableConcept"], ""
    ref = (resource.get("medicationReference") or {}).get("reference", "")
    target: Mapping[str, Any] | None = None
    if ref.startswith("#"):
        target = next((c for c in resource.get("contained") or [] if c.get("id") == ref[1:]), None)
    elif ref:
        target = included.get(ref)
    if target is None:
        return None, str((resource.get("medicationReference") or {}).get("display") or "").strip()
    return target.get("code"), ""


def _medication_name(resource: Mapping[str, Any], included: Mapping[str, Mapping[str, Any]]) -> str:
    concept, fallback = _medication_concept(resource, included)
    return concept_text(concept) or fallback


def _dosage_text(resource: Mapping[str, Any]) -> str:
    dosages = resource.get("dosageInstruction") or resource.get("dosage") or []
    parts = [str(d.get("text") or "").strip() for d in dosages]
    return "; ".join(p for p in parts if p)


def medication_line(
    resource: Mapping[str, Any], included: Mapping[str, Mapping[str, Any]] | None = None
) -> Line | Skipped:
    """A MedicationRequest or MedicationStatement → "apixaban 5 MG Oral Tablet 1 tablet twice daily"."""
    source = reference(resource)
    if resource.get("resourceType") not in {"MedicationRequest", "MedicationStatement"}:
        return Skipped(source, "not a medication resource")
    status = resource.get("status")
    if status in _MED_INACTIVE:
        return Skipped(source, f"status {status}")
    name = _medication_name(resource, included or {})
    if not name:
        return Skipped(source, "no medication name or text")
    dose = _dosage_text(resource)
    text = f"{name} {dose}" if dose and dose.lower() not in name.lower() else name
    return Line(text=" ".join(text.split())[:500], source=source,
                codes=codings(_medication_concept(resource, included or {})[0]))


def allergy_line(resource: Mapping[str, Any]) -> Line | Skipped:
    """An AllergyIntolerance → "penicillin - hives"; inactive, resolved or refuted ones are skipped."""
    source = reference(resource)
    if resource.get("resourceType") != "AllergyIntolerance":
        return Skipped(source, "not an AllergyIntolerance")
    clinical = {c for _, c in _codes(resource.get("clinicalStatus"))}
    verification = {c for _, c in _codes(resource.get("verificationStatus"))}
    if clinical & _ALLERGY_INACTIVE_CLINICAL:
        return Skipped(source, f"clinical status {sorted(clinical)[0]}")
    if verification & _ALLERGY_NOT_REAL:
        return Skipped(source, f"verification status {sorted(verification)[0]}")
    name = concept_text(resource.get("code"))
    if not name:
        return Skipped(source, "no substance name or text")
    reactions = []
    for reaction in resource.get("reaction") or []:
        for manifestation in reaction.get("manifestation") or []:
            words = concept_text(manifestation)
            if words and words not in reactions:
                reactions.append(words)
    reaction = ", ".join(reactions)
    text = f"{name} - {reaction}" if reactions else name
    return Line(text=" ".join(text.split())[:500], source=source, substance=name, reaction=reaction,
                codes=codings(resource.get("code")))


def lines_from(
    resources: Iterable[Mapping[str, Any]], kind: str
) -> tuple[list[Line], list[Skipped]]:
    """Map every medication (kind="medications") or allergy (kind="allergies") resource."""
    pool = list(resources)
    included = {reference(r): r for r in pool if r.get("resourceType") == "Medication"}
    lines: list[Line] = []
    skipped: list[Skipped] = []
    for resource in pool:
        if resource.get("resourceType") == "Medication" or resource.get("resourceType") == "OperationOutcome":
            continue
        result = medication_line(resource, included) if kind == "medications" else allergy_line(resource)
        (lines if isinstance(result, Line) else skipped).append(result)  # type: ignore[arg-type]
    return lines, skipped


def _observation_time(obs: Mapping[str, Any]) -> str:
    return str(obs.get("effectiveDateTime") or (obs.get("effectivePeriod") or {}).get("start")
               or obs.get("issued") or "")


def _sort_key(stamp: str) -> datetime:
    """An observation's time in UTC; an unreadable time sorts first (oldest)."""
    try:
        parsed = datetime.fromisoformat(stamp)
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    return parsed.replace(tzinfo=parsed.tzinfo or UTC).astimezone(UTC)


def _value(obs: Mapping[str, Any]) -> tuple[float, str] | None:
    quantity = obs.get("valueQuantity") or {}
    value = quantity.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value), str(quantity.get("code") or quantity.get("unit") or "")


def latest_labs(observations: Iterable[Mapping[str, Any]]) -> dict[str, tuple[float, str]]:
    """The newest usable value per contract lab → {"egfr": (value, "Observation/1"), ...}.

    Also returns "weight_kg" when a body weight is present.
    """
    found: dict[str, tuple[datetime, float, str]] = {}

    def offer(name: str, when: datetime, value: float, source: str) -> None:
        if name not in found or when > found[name][0]:
            found[name] = (when, value, source)

    for obs in observations:
        if obs.get("resourceType") != "Observation" or obs.get("status") not in _OBS_USABLE:
            continue
        loinc = {code for system, code in _codes(obs.get("code")) if system == LOINC}
        measured = _value(obs)
        if measured is None or not loinc:
            continue
        value, unit = measured
        when = _sort_key(_observation_time(obs))
        source = reference(obs)
        if loinc & set(EGFR_CODES):
            offer("egfr", when, value, source)
        elif loinc & set(CREATININE_MG_DL_CODES) and unit.lower() in {"mg/dl", ""}:
            offer("serum_creatinine_mg_dl", when, value, source)
        elif loinc & set(CREATININE_MG_DL_CODES + CREATININE_UMOL_L_CODES) and unit.lower() in {"umol/l", "µmol/l"}:
            offer("serum_creatinine_mg_dl", when, round(value / UMOL_PER_MG_DL_CREATININE, 2), source)
        elif loinc & set(INR_CODES):
            offer("inr", when, value, source)
        elif loinc & set(PLATELET_CODES) and unit in {"10*3/uL", "10*9/L", "10^9/L", "10^3/uL", "K/uL", ""}:
            offer("platelets_10e9_per_l", when, value, source)
        elif loinc & set(WEIGHT_CODES):
            kg = {"kg": value, "[lb_av]": value * 0.45359237, "lb": value * 0.45359237}.get(unit)
            if kg is not None:
                offer("weight_kg", when, round(kg, 1), source)
    return {name: (value, source) for name, (_, value, source) in found.items()}


def age_on(birth_date: str, today: date) -> int | None:
    try:
        born = date.fromisoformat(birth_date)
    except (TypeError, ValueError):
        return None  # partial dates ("1948" or "1948-03") give no exact age
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def sex_of(patient: Mapping[str, Any]) -> str:
    gender = patient.get("gender")
    return gender if gender in {"female", "male", "other", "unknown"} else "unknown"
