"""The contract (shared/clinical/plan-contract.md) as API schemas: patient facts in, plan out.

Input schemas forbid unknown fields, as the engine does; values are checked once more by
the engine itself, whose FactsError names the field. Output schemas spell out every field
of `clinical/contract.py`; a test compares the API's answer with `plan_to_dict` exactly,
so a field the engine adds fails that test until it is declared here.
"""

from __future__ import annotations

from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

Sex = Literal["female", "male", "other", "unknown"]
Diabetes = Literal["none", "type1", "type2", "other", "unknown"]
Sedation = Literal["none", "local", "minimal", "moderate", "deep", "general"]


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class ProcedureIn(Strict):
    start: str = Field(..., description="ISO 8601 with a UTC offset", examples=["2026-12-14T08:00:00-08:00"])
    timezone: str = Field(..., examples=["America/Los_Angeles"])
    levels: list[str] | None = Field(None, examples=[["T12", "L1"]])
    sedation: Sedation | None = None


class PatientIn(Strict):
    age: int | None = None
    sex: Sex | None = None
    weight_kg: float | None = None
    height_cm: float | None = None
    smoker: bool | None = None
    diabetes: Diabetes | bool | None = None
    aspirin_indication: Literal["primary-prevention", "secondary-prevention", "unknown"] | None = None
    hypoglycemia_history: bool | None = None
    liver_disease: bool | None = None
    acute_kidney_injury: bool | None = None
    heart_failure: bool | None = None
    alcohol_excess: bool | None = None
    gi_symptoms: bool | None = None
    has_escort: bool | None = None


class LabsIn(Strict):
    egfr: float | None = None
    creatinine_clearance: float | None = None
    serum_creatinine_mg_dl: float | None = None
    inr: float | None = None
    platelets_10e9_per_l: float | None = None
    on_dialysis: bool | None = None


class PoliciesIn(Strict):
    range_bound: Literal["upper", "lower"] | None = None
    fasting: Literal["midnight", "asa-2017-2023"] | None = None
    glp1: Literal["multisociety-2024", "asa-2023"] | None = None
    metformin: Literal["acr", "fda-2016"] | None = None
    contrast: Literal["acr-manual", "acr-aaaai-2025"] | None = None
    consult_lead_days: int | None = None
    radiologist_notice_days: int | None = None


class IndicationIn(Strict):
    """Why the patient takes a blood thinner (plan-contract.md `indications`); each kind
    takes only its own fields (the engine names a field that does not apply)."""

    kind: Literal["coronary-stent", "mechanical-valve", "atrial-fibrillation", "stroke-or-tia", "vte",
                  "thrombophilia"]
    stent: Literal["drug-eluting", "bare-metal", "balloon-only", "unknown"] | None = None
    date: str | None = Field(None, description="YYYY-MM-DD; missing when not known", examples=["2026-10-20"])
    position: Literal["mitral", "aortic", "tricuspid", "unknown"] | None = None
    valve_type: Literal["bileaflet", "caged-ball", "tilting-disc", "unknown"] | None = None
    cha2ds2_vasc: int | None = None
    chads2: int | None = None
    rheumatic: bool | None = None
    severe: bool | None = None


class FactsIn(Strict):
    as_of: str = Field(..., description="the moment the plan is made (the engine never reads the clock)",
                       examples=["2026-12-01T10:00:00-08:00"])
    procedure: ProcedureIn
    patient: PatientIn | None = None
    medications: list[str] = Field(default_factory=list, examples=[["Eliquis 5mg twice a day"]])
    allergies: list[str] = Field(default_factory=list)
    labs: LabsIn | None = None
    indications: list[IndicationIn] | None = None
    protocol: Literal["sir-2019", "asra-2018", "strictest"] | None = None
    language: Literal["en", "es"] | None = None
    policies: PoliciesIn | None = None


class DoseOut(Schema):
    amount: float | None
    unit: str | None
    amounts: list[float]
    variable: bool


class FrequencyOut(Schema):
    per_day: float | None
    times: list[str]
    as_needed: bool
    weekly: bool
    label: str


class MedicationOut(Schema):
    input: str
    recognized: bool
    ingredients: list[str]
    classes: list[str]
    disposition: Literal["continue", "stop", "adjust", "review"]
    brand: str | None = None
    dose: DoseOut | None = None
    frequency: FrequencyOut | None = None
    route: str | None = None
    patient_unsure: bool | None = None
    notes: list[str] | None = None


class AllergyOut(Schema):
    input: str
    category: str | None
    recognized: bool
    reaction: str | None


class Texts(Schema):
    en: str
    es: str


class ActionOut(Schema):
    code: str
    drug: str | None = None
    due: str | None
    last_dose_date: str | None = None
    audience: Literal["patient", "clinician", "care-team"]
    requires_review: bool
    text: str
    texts: Texts
    # The patient text once a clinician approved the line (texts that ask for approval only).
    decided_texts: Texts | None = None
    rule: str
    source: str
    guideline: str


class FlagOut(Schema):
    code: str
    drug: str | None = None
    input: str | None = None
    severity: Literal["high", "medium", "low"]
    text: str
    texts: Texts
    rule: str
    source: str
    guideline: str


class ProcedureOut(Schema):
    start: str
    timezone: str


class RenalOut(Schema):
    creatinine_clearance_ml_min: float | None
    origin: str | None


class PlanOut(Schema):
    """The contract's plan. Optional fields are left out when the engine leaves them out."""

    protocol: str
    ruleset_version: str
    as_of: str
    procedure: ProcedureOut
    language: Literal["en", "es"]
    decision_support: str
    medications: list[MedicationOut]
    allergies: list[AllergyOut]
    renal: RenalOut
    policies: dict[str, str]
    actions: list[ActionOut]
    flags: list[FlagOut]
