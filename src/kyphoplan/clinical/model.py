"""Value types shared by the clinical core: codes, recognised medicines, actions, flags.

Everything here is immutable and free of I/O. The names of the codes are the
ones in `shared/clinical/plan-contract.md`; integrations depend on them, so a
code is never renamed, only added.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class Protocol(StrEnum):
    SIR_2019 = "sir-2019"
    ASRA_2018 = "asra-2018"
    STRICTEST = "strictest"


class Language(StrEnum):
    EN = "en"
    ES = "es"


class ActionCode(StrEnum):
    STOP_MEDICATION = "stop-medication"
    RESUME_MEDICATION = "resume-medication"
    ADJUST_DOSE = "adjust-dose"
    TAKE_PREMEDICATION = "take-premedication"
    HOLD_AFTER_PROCEDURE = "hold-after-procedure"
    FASTING_START = "fasting-start"
    NO_SMOKING_START = "no-smoking-start"
    BRING_MEDICATION_LIST = "bring-medication-list"
    ARRANGE_ESCORT = "arrange-escort"
    CONSULT_PRESCRIBER = "consult-prescriber"
    # Added codes (the contract allows additions, never renames).
    CLEAR_LIQUID_DIET = "clear-liquid-diet"
    CHECK_BLOOD_GLUCOSE = "check-blood-glucose"
    CONTINUE_MEDICATION = "continue-medication"
    CLEAR_LIQUIDS_UNTIL = "clear-liquids-until"
    NOTIFY_RADIOLOGIST = "notify-radiologist"  # staff: tell the radiologist in time (allergies)
    INFORMATION = "information"  # a note with no task, e.g. "shellfish is not a dye allergy"


class FlagCode(StrEnum):
    PRESCRIBER_CONSULT = "prescriber-consult"
    INSUFFICIENT_LEAD_TIME = "insufficient-lead-time"
    UNRECOGNIZED_MEDICATION = "unrecognized-medication"
    CONTRAST_REACTION_HISTORY = "contrast-reaction-history"
    CEMENT_ALLERGY = "cement-allergy"
    RENAL_FUNCTION_NEEDED = "renal-function-needed"
    INR_CHECK = "inr-check"
    PLATELET_CHECK = "platelet-check"
    INSULIN_DOSE_ADJUSTMENT = "insulin-dose-adjustment"
    GLP1_ASPIRATION_RISK = "glp1-aspiration-risk"
    STEROID_STRESS_DOSE_REVIEW = "steroid-stress-dose-review"
    NO_VERIFIED_VALUE = "no-verified-value"
    # Added codes.
    UNRECOGNIZED_ALLERGY = "unrecognized-allergy"
    IODINE_ALLERGY_CLARIFY = "iodine-allergy-clarify"
    RENAL_FUNCTION_NOT_COVERED = "renal-function-not-covered"
    LAB_OUT_OF_RANGE = "lab-out-of-range"
    METFORMIN_CONTRAST = "metformin-contrast"
    ESCORT_MISSING = "escort-missing"
    DOSE_OR_FREQUENCY_UNCLEAR = "dose-or-frequency-unclear"
    LAB_CHECK = "lab-check"  # a test other than INR and platelets (aPTT, anti-Xa)
    ASSUMPTION_TO_CONFIRM = "assumption-to-confirm"  # the plan assumed a dose or indication
    # REFERENCE.md §4a and §8 (contract, added 2026-11-25).
    RECENT_CORONARY_STENT = "recent-coronary-stent"
    THROMBOTIC_RISK_HIGH = "thrombotic-risk-high"
    DUPLICATE_MEDICATION = "duplicate-medication"
    CONTRAST_AGENT_SWITCH = "contrast-agent-switch"


class Severity(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Audience(StrEnum):
    PATIENT = "patient"
    CLINICIAN = "clinician"  # a note for the clinician (tell the radiologist)
    CARE_TEAM = "care-team"  # a nurse or doctor does it (an infusion stopped on the ward)


class Disposition(StrEnum):
    """What the plan does with one medicine line."""

    CONTINUE = "continue"
    STOP = "stop"
    ADJUST = "adjust"
    REVIEW = "review"


@dataclass(frozen=True)
class Dose:
    """A parsed strength. `amount` is per administration; `unit` is lower case
    ("mg", "mcg", "units", "g", "ml"). Combination products carry one amount per
    ingredient in `amounts`, in the order of `RecognizedMedication.ingredients`."""

    amount: float | None
    unit: str | None
    amounts: tuple[float, ...] = ()
    variable: bool = False  # e.g. "5 mg Mon/Wed/Fri, 2.5 other days"


@dataclass(frozen=True)
class Frequency:
    """How often a medicine is taken, as far as the line says.

    `per_day` is administrations per day (1/7 for weekly); `times` are local
    clock times "HH:MM" when the line names them (bedtime, morning...);
    `as_needed` marks PRN use."""

    per_day: float | None
    times: tuple[str, ...] = ()
    as_needed: bool = False
    weekly: bool = False
    label: str = ""  # normalised label: "once daily", "twice daily", "at bedtime", "weekly"...


@dataclass(frozen=True)
class RecognizedMedication:
    input: str
    recognized: bool
    ingredients: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()  # one class per ingredient, same order
    brand: str | None = None
    dose: Dose | None = None
    frequency: Frequency | None = None
    route: str | None = None  # "oral", "subcutaneous", "intravenous", "inhaled", "topical", ...
    matched: str | None = None  # the words that identified it
    patient_unsure: bool = False  # "I am not sure what this is", "a blood thinner"
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Coding:
    """A code an EHR gave for a medicine line (FHIR Coding): RxNorm, SNOMED CT, ..."""

    system: str
    code: str
    display: str = ""


@dataclass(frozen=True, slots=True)
class LocalText:
    """One sentence in every supported language."""

    en: str
    es: str
    # The same instruction once a clinician has approved it, for texts that ask for approval
    # ("Only if your radiologist approves: ..."): after signing, the patient reads the decision.
    decided: LocalText | None = None

    def get(self, language: Language) -> str:
        return self.es if language is Language.ES else self.en


@dataclass(frozen=True, slots=True)
class Action:
    code: ActionCode
    text: LocalText
    rule: str
    source: str
    due: datetime | None = None
    drug: str | None = None
    last_dose_date: date | None = None
    audience: Audience = Audience.PATIENT
    requires_review: bool = False
    guideline: str = ""  # the guideline's own wording or numbers this line used
    extra: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True, slots=True)
class Flag:
    code: FlagCode
    severity: Severity
    text: LocalText
    rule: str
    source: str
    drug: str | None = None
    input: str | None = None
    guideline: str = ""


@dataclass(frozen=True)
class Plan:
    protocol: Protocol
    ruleset_version: str
    as_of: datetime
    procedure_start: datetime
    timezone: str
    language: Language
    medications: tuple[RecognizedMedication, ...]
    dispositions: tuple[Disposition, ...]  # one per medication, same order
    allergies: tuple[AllergyAssessment, ...]
    actions: tuple[Action, ...]
    flags: tuple[Flag, ...]
    policies: tuple[tuple[str, str], ...] = field(default=())
    crcl_ml_min: float | None = None
    crcl_origin: str = "unknown"


@dataclass(frozen=True)
class AllergyAssessment:
    input: str
    category: str  # AllergyCategory value
    recognized: bool
    reaction: str | None = None
