"""The contract (shared/clinical/plan-contract.md) as API schemas: patient facts in, plan out.

Input schemas forbid unknown fields, as the engine does; values are checked once more by
the engine itself, whose FactsError names the field. Output schemas allow extra fields:
the contract may grow, and the API passes new fields through.
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


class Open(Schema):
    model_config = ConfigDict(extra="allow")


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


class FactsIn(Strict):
    as_of: str = Field(..., description="the moment the plan is made (the engine never reads the clock)",
                       examples=["2026-12-01T10:00:00-08:00"])
    procedure: ProcedureIn
    patient: PatientIn | None = None
    medications: list[str] = Field(default_factory=list, examples=[["Eliquis 5mg twice a day"]])
    allergies: list[str] = Field(default_factory=list)
    labs: LabsIn | None = None
    protocol: Literal["sir-2019", "asra-2018", "strictest"] | None = None
    language: Literal["en", "es"] | None = None
    policies: PoliciesIn | None = None


class MedicationOut(Open):
    input: str
    recognized: bool
    ingredients: list[str]
    classes: list[str]


class ActionOut(Open):
    code: str
    drug: str | None = None
    due: str | None
    last_dose_date: str | None = None
    audience: str
    requires_review: bool
    text: str
    rule: str
    source: str


class FlagOut(Open):
    code: str
    drug: str | None = None
    input: str | None = None
    severity: Literal["high", "medium", "low"]
    text: str
    rule: str
    source: str


class PlanOut(Open):
    protocol: str
    ruleset_version: str
    as_of: str
    decision_support: str
    medications: list[MedicationOut]
    actions: list[ActionOut]
    flags: list[FlagOut]
