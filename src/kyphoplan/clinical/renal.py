"""Kidney function for renal bands: measured CrCl, or Cockcroft–Gault (REFERENCE.md §6)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kyphoplan.clinical.facts import PatientFacts, Sex


class CrclOrigin(StrEnum):
    MEASURED = "measured"
    COCKCROFT_GAULT = "cockcroft-gault"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Crcl:
    value: float | None  # mL/min
    origin: CrclOrigin
    note: str = ""


def cockcroft_gault(age: int, weight_kg: float, serum_creatinine_mg_dl: float, female: bool) -> float:
    """CrCl (mL/min) = (140 − age) × weight / (72 × SCr), × 0.85 for women."""
    crcl = (140 - age) * weight_kg / (72 * serum_creatinine_mg_dl)
    return crcl * 0.85 if female else crcl


def creatinine_clearance(facts: PatientFacts) -> Crcl:
    labs, patient = facts.labs, facts.patient
    if labs.creatinine_clearance is not None:
        return Crcl(labs.creatinine_clearance, CrclOrigin.MEASURED)
    if labs.serum_creatinine_mg_dl is not None and patient.age is not None and patient.weight_kg is not None:
        # Sex not recorded: use the female factor, the lower estimate, so the
        # longer renal band is chosen (and say so).
        female = patient.sex is not Sex.MALE
        note = "" if patient.sex in (Sex.FEMALE, Sex.MALE) else "sex not recorded: female factor used"
        value = cockcroft_gault(patient.age, patient.weight_kg, labs.serum_creatinine_mg_dl, female)
        return Crcl(round(value, 1), CrclOrigin.COCKCROFT_GAULT, note)
    return Crcl(None, CrclOrigin.UNKNOWN)
