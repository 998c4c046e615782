"""Patient facts: the contract's input, parsed and validated.

`parse_facts` turns the JSON object of `plan-contract.md` into `PatientFacts`
or raises `FactsError` naming the first offending field (dotted path). Nothing
here guesses: an unknown field, a wrong type or an impossible value is an
error, so a typo never silently drops a fact the plan depends on.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache, cached_property
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from kyphoplan.clinical.facts_checks import (
    FactsError as FactsError,  # re-exported: callers catch it from here
)
from kyphoplan.clinical.facts_checks import (
    check_bool,
    check_choice,
    check_datetime,
    check_no_unknown,
    check_number,
    check_object,
)
from kyphoplan.clinical.facts_indications import parse_indications
from kyphoplan.clinical.indications import Indication
from kyphoplan.clinical.model import Coding, Language, Protocol


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class Diabetes(StrEnum):
    NONE = "none"
    TYPE1 = "type1"
    TYPE2 = "type2"
    OTHER = "other"
    UNKNOWN = "unknown"


class Sedation(StrEnum):
    NONE = "none"
    LOCAL = "local"
    MINIMAL = "minimal"
    MODERATE = "moderate"
    DEEP = "deep"
    GENERAL = "general"


class AspirinIndication(StrEnum):
    PRIMARY = "primary-prevention"
    SECONDARY = "secondary-prevention"
    UNKNOWN = "unknown"


class RangeBound(StrEnum):
    UPPER = "upper"
    LOWER = "lower"


class FastingPolicy(StrEnum):
    MIDNIGHT = "midnight"  # source document default
    ASA = "asa-2017-2023"


class Glp1Policy(StrEnum):
    MULTISOCIETY_2024 = "multisociety-2024"  # default
    ASA_2023 = "asa-2023"


class MetforminPolicy(StrEnum):
    ACR = "acr"  # default
    FDA_2016 = "fda-2016"


class ContrastPolicy(StrEnum):
    ACR_MANUAL = "acr-manual"  # default: propose the ACR elective regimen
    ACR_AAAAI_2025 = "acr-aaaai-2025"


@dataclass(frozen=True)
class Policies:
    """Practice choices where sources disagree (REFERENCE.md "policy")."""

    range_bound: RangeBound = RangeBound.UPPER
    fasting: FastingPolicy = FastingPolicy.MIDNIGHT
    glp1: Glp1Policy = Glp1Policy.MULTISOCIETY_2024
    metformin: MetforminPolicy = MetforminPolicy.ACR
    contrast: ContrastPolicy = ContrastPolicy.ACR_MANUAL
    consult_lead_days: int = 7  # source document: ask the prescriber a week before
    radiologist_notice_days: int = 3  # source document: "a few days before"

    def as_pairs(self) -> tuple[tuple[str, str], ...]:
        return (
            ("range_bound", self.range_bound.value),
            ("fasting", self.fasting.value),
            ("glp1", self.glp1.value),
            ("metformin", self.metformin.value),
            ("contrast", self.contrast.value),
            ("consult_lead_days", str(self.consult_lead_days)),
            ("radiologist_notice_days", str(self.radiologist_notice_days)),
        )


@dataclass(frozen=True)
class Procedure:
    start: datetime  # aware, converted to the practice time zone
    timezone: str
    levels: tuple[str, ...] = ()
    sedation: Sedation = Sedation.MODERATE


@dataclass(frozen=True)
class Patient:
    age: int | None = None
    sex: Sex = Sex.UNKNOWN
    weight_kg: float | None = None
    height_cm: float | None = None
    smoker: bool | None = None
    diabetes: Diabetes = Diabetes.UNKNOWN
    aspirin_indication: AspirinIndication = AspirinIndication.UNKNOWN
    hypoglycemia_history: bool = False
    liver_disease: bool = False
    acute_kidney_injury: bool = False
    heart_failure: bool = False
    alcohol_excess: bool = False
    gi_symptoms: bool = False
    has_escort: bool | None = None


@dataclass(frozen=True)
class Labs:
    egfr: float | None = None
    creatinine_clearance: float | None = None
    serum_creatinine_mg_dl: float | None = None
    inr: float | None = None
    platelets_10e9_per_l: float | None = None
    on_dialysis: bool = False


@dataclass(frozen=True)
class PatientFacts:
    as_of: datetime
    procedure: Procedure
    patient: Patient = field(default_factory=Patient)
    medications: tuple[str, ...] = ()
    # Codes the EHR gave per medicine line, in the same order (empty: text only).
    medication_codes: tuple[tuple[Coding, ...], ...] = ()
    allergies: tuple[str, ...] = ()
    labs: Labs = field(default_factory=Labs)
    indications: tuple[Indication, ...] = ()
    protocol: Protocol = Protocol.SIR_2019
    language: Language = Language.EN
    policies: Policies = field(default_factory=Policies)

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.procedure.timezone)


_LEVEL = re.compile(r"^(C[1-7]|T(1[0-2]|[1-9])|L[1-5]|S1)$")

# (min, max) plausible values; outside them the value is impossible, not unusual.
_PATIENT_NUMBERS: dict[str, tuple[float, float]] = {
    "age": (0, 130),
    "weight_kg": (20, 400),
    "height_cm": (90, 250),
}
_LAB_NUMBERS: dict[str, tuple[float, float]] = {
    "egfr": (0, 200),
    "creatinine_clearance": (0, 250),
    "serum_creatinine_mg_dl": (0.1, 25),
    "inr": (0.5, 15),
    "platelets_10e9_per_l": (0, 2000),
}
_PATIENT_FLAGS = (
    "smoker",
    "hypoglycemia_history",
    "liver_disease",
    "acute_kidney_injury",
    "heart_failure",
    "alcohol_excess",
    "gi_symptoms",
    "has_escort",
)
_TOP_FIELDS = {
    "as_of",
    "procedure",
    "patient",
    "medications",
    "allergies",
    "labs",
    "indications",
    "protocol",
    "language",
    "policies",
}


# Bounds on the work one request can ask for: an input outside them is a mistake, never a patient.
MAX_LEAD = timedelta(days=2 * 366)  # a plan is for a procedure booked within two years
MAX_LINES = 100  # medicines or allergies a person can list; the engine's cost grows with them
MAX_CODES = 20  # codings an EHR attaches to one medicine line
# Names the tz database ships that are not places: the server's own zone, a template, a stub.
_NOT_PLACES = frozenset({"localtime", "posixrules", "Factory"})


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones()) - _NOT_PLACES


def time_zone(name: Any) -> ZoneInfo:
    """The IANA zone of a place; ValueError for anything else (also used for settings)."""
    if not isinstance(name, str) or name not in _known_zones():
        raise ValueError(f"unknown time zone {name!r} (an IANA name such as America/Los_Angeles)")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None


def _lines(value: Any, path: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise FactsError(path, "must be a list of text lines")
    if len(value) > MAX_LINES:
        raise FactsError(path, f"has {len(value)} lines; at most {MAX_LINES}")
    lines: list[str] = []
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise FactsError(f"{path}[{index}]", "must be text")
        if not item.strip():
            raise FactsError(f"{path}[{index}]", "is empty")
        if len(item) > 500:
            raise FactsError(f"{path}[{index}]", "is longer than 500 characters")
        lines.append(item)
    return tuple(lines)


def _coding(value: Any, path: str) -> Coding:
    obj = check_object(value, path)
    check_no_unknown(obj, ("system", "code", "display"), path)
    system, code, display = obj.get("system"), obj.get("code"), obj.get("display", "")
    if not isinstance(system, str) or not system.strip():
        raise FactsError(f"{path}.system", "is required (the code system's URL)")
    if not isinstance(code, str) or not code.strip() or len(code) > 100:
        raise FactsError(f"{path}.code", "is required (up to 100 characters)")
    if not isinstance(display, str):
        raise FactsError(f"{path}.display", "must be text")
    return Coding(system=system.strip(), code=code.strip(), display=display[:500])


def _medications(value: Any) -> tuple[tuple[str, ...], tuple[tuple[Coding, ...], ...]]:
    """Each line is text ("warfarin 5 mg daily") or {"text": ..., "codes": [{"system", "code",
    "display"}]} when the EHR coded it; codes are kept next to the text, never instead of it."""
    if not isinstance(value, list):
        raise FactsError("medications", "must be a list of text lines")
    if len(value) > MAX_LINES:
        raise FactsError("medications", f"has {len(value)} lines; at most {MAX_LINES}")
    texts: list[Any] = []
    codes: list[tuple[Coding, ...]] = []
    for index, item in enumerate(value):
        path = f"medications[{index}]"
        if isinstance(item, Mapping):
            check_no_unknown(item, ("text", "codes"), path)
            raw_codes = item.get("codes", [])
            if not isinstance(raw_codes, list) or len(raw_codes) > MAX_CODES:
                raise FactsError(f"{path}.codes", f"must be a list of at most {MAX_CODES} codings")
            codes.append(tuple(_coding(c, f"{path}.codes[{i}]") for i, c in enumerate(raw_codes)))
            texts.append(item.get("text"))
        else:
            codes.append(())
            texts.append(item)
    lines = _lines(texts, "medications")
    return lines, (tuple(codes) if any(codes) else ())


def _procedure(raw: Any, as_of: datetime) -> Procedure:
    obj = check_object(raw, "procedure")
    check_no_unknown(obj, ("start", "timezone", "levels", "sedation"), "procedure")
    if "timezone" not in obj:
        raise FactsError("procedure.timezone", "is required (an IANA name such as America/Los_Angeles)")
    tz_name = obj["timezone"]
    if not isinstance(tz_name, str) or not tz_name:
        raise FactsError("procedure.timezone", "must be an IANA time zone name")
    try:
        zone = time_zone(tz_name)
    except ValueError:
        raise FactsError("procedure.timezone", f"unknown time zone {tz_name!r}") from None
    if "start" not in obj:
        raise FactsError("procedure.start", "is required")
    start = check_datetime(obj["start"], "procedure.start").astimezone(zone)
    if start <= as_of:
        raise FactsError("procedure.start", "is not after as_of (a plan needs a future procedure)")
    if start - as_of > MAX_LEAD:
        raise FactsError("procedure.start", "is more than two years after as_of")
    levels: tuple[str, ...] = ()
    if "levels" in obj:
        raw_levels = obj["levels"]
        if not isinstance(raw_levels, list):
            raise FactsError("procedure.levels", 'must be a list such as ["T12", "L1"]')
        for index, level in enumerate(raw_levels):
            if not isinstance(level, str) or not _LEVEL.match(level.strip().upper()):
                raise FactsError(f"procedure.levels[{index}]", f"not a vertebral level: {level!r}")
        levels = tuple(str(level).strip().upper() for level in raw_levels)
    sedation = Sedation.MODERATE
    if "sedation" in obj:
        sedation = check_choice(Sedation, obj["sedation"], "procedure.sedation")
    return Procedure(start=start, timezone=tz_name, levels=levels, sedation=sedation)


def _patient(raw: Any) -> Patient:
    obj = check_object(raw, "patient")
    allowed = (*_PATIENT_NUMBERS, *_PATIENT_FLAGS, "sex", "diabetes", "aspirin_indication")
    check_no_unknown(obj, allowed, "patient")
    values: dict[str, Any] = {}
    for name, bounds in _PATIENT_NUMBERS.items():
        if obj.get(name) is not None:
            number = check_number(obj[name], f"patient.{name}", bounds)
            values[name] = int(number) if name == "age" else number
    if "age" in obj and isinstance(obj["age"], float) and not obj["age"].is_integer():
        raise FactsError("patient.age", "must be whole years")
    for name in _PATIENT_FLAGS:
        if obj.get(name) is not None:
            values[name] = check_bool(obj[name], f"patient.{name}")
    if "sex" in obj:
        values["sex"] = check_choice(Sex, obj["sex"], "patient.sex")
    if "diabetes" in obj:
        value = obj["diabetes"]
        values["diabetes"] = (
            (Diabetes.TYPE2 if value else Diabetes.NONE)
            if isinstance(value, bool)
            else check_choice(Diabetes, value, "patient.diabetes")
        )
    if "aspirin_indication" in obj:
        values["aspirin_indication"] = check_choice(
            AspirinIndication, obj["aspirin_indication"], "patient.aspirin_indication"
        )
    return Patient(**values)


def _labs(raw: Any) -> Labs:
    obj = check_object(raw, "labs")
    check_no_unknown(obj, (*_LAB_NUMBERS, "on_dialysis"), "labs")
    values: dict[str, Any] = {}
    for name, bounds in _LAB_NUMBERS.items():
        if obj.get(name) is not None:
            values[name] = check_number(obj[name], f"labs.{name}", bounds)
    if obj.get("on_dialysis") is not None:
        values["on_dialysis"] = check_bool(obj["on_dialysis"], "labs.on_dialysis")
    return Labs(**values)


def _policies(raw: Any) -> Policies:
    obj = check_object(raw, "policies")
    choices: dict[str, type[StrEnum]] = {
        "range_bound": RangeBound,
        "fasting": FastingPolicy,
        "glp1": Glp1Policy,
        "metformin": MetforminPolicy,
        "contrast": ContrastPolicy,
    }
    days = ("consult_lead_days", "radiologist_notice_days")
    check_no_unknown(obj, (*choices, *days), "policies")
    values: dict[str, Any] = {}
    for name, enum in choices.items():
        if name in obj:
            values[name] = check_choice(enum, obj[name], f"policies.{name}")
    for name in days:
        if name in obj:
            number = check_number(obj[name], f"policies.{name}", (1, 60))
            if not number.is_integer():
                raise FactsError(f"policies.{name}", "must be whole days")
            values[name] = int(number)
    return Policies(**values)


def parse_facts(raw: Any) -> PatientFacts:
    """Validate the contract's input object and return typed facts."""
    obj = check_object(raw, "(top level)")
    check_no_unknown(obj, _TOP_FIELDS, "")
    if "as_of" not in obj:
        raise FactsError("as_of", "is required (the moment the plan is made)")
    as_of = check_datetime(obj["as_of"], "as_of")
    if "procedure" not in obj:
        raise FactsError("procedure", "is required")
    procedure = _procedure(obj["procedure"], as_of)
    medications, medication_codes = _medications(obj.get("medications", []))
    return PatientFacts(
        as_of=as_of.astimezone(ZoneInfo(procedure.timezone)),
        procedure=procedure,
        patient=_patient(obj["patient"]) if obj.get("patient") is not None else Patient(),
        medications=medications,
        medication_codes=medication_codes,
        allergies=_lines(obj.get("allergies", []), "allergies"),
        labs=_labs(obj["labs"]) if obj.get("labs") is not None else Labs(),
        indications=parse_indications(obj["indications"], as_of) if obj.get("indications") is not None else (),
        protocol=check_choice(Protocol, obj.get("protocol", "sir-2019"), "protocol"),
        language=check_choice(Language, obj.get("language", "en"), "language"),
        policies=_policies(obj["policies"]) if obj.get("policies") is not None else Policies(),
    )
