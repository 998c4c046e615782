"""The plan builder: patient facts + `as_of` + rule set → a dated, sourced plan.

A pure function. It never reads the clock (the facts carry `as_of`) and never
drops an input line: every medicine and allergy comes back in the plan,
recognised or not, and every line that no rule could settle is a clinician flag.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from kyphoplan.clinical.allergies import classify_allergy
from kyphoplan.clinical.allergy_plan import plan_allergies
from kyphoplan.clinical.blood_thinners import plan_blood_thinners
from kyphoplan.clinical.context import Contribution, PlanContext
from kyphoplan.clinical.contract import plan_to_dict
from kyphoplan.clinical.diabetes import plan_diabetes
from kyphoplan.clinical.duplicates import hold_duplicates_once
from kyphoplan.clinical.facts import PatientFacts, parse_facts
from kyphoplan.clinical.general import plan_general
from kyphoplan.clinical.model import Action, Disposition, Flag, Plan, Protocol, Severity
from kyphoplan.clinical.preparation import load_preparation_rules
from kyphoplan.clinical.recognition import recognize
from kyphoplan.clinical.recognition_codes import recognize_coded
from kyphoplan.clinical.renal import creatinine_clearance
from kyphoplan.clinical.rulesets import load_ruleset, ruleset_version
from kyphoplan.clinical.steroids import plan_steroids

_AREAS: tuple[Callable[[PlanContext], Contribution], ...] = (
    plan_blood_thinners,
    plan_diabetes,
    plan_steroids,
    plan_allergies,
)
_SEVERITY_ORDER = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}


def _action_order(action: Action) -> tuple[int, datetime | str, str, str]:
    # Dated actions in time order; undated ones (continue, "when told") last.
    if action.due is None:
        return (1, "", action.code.value, action.drug or "")
    return (0, action.due, action.code.value, action.drug or "")


def _flag_order(flag: Flag) -> tuple[int, str, str, str]:
    return (_SEVERITY_ORDER[flag.severity], flag.code.value, flag.drug or "", flag.input or "")


def build_plan(facts: PatientFacts) -> Plan:
    rules = load_preparation_rules()
    context = PlanContext(
        facts=facts,
        medications=tuple(
            recognize_coded(line, facts.medication_codes[i]) if facts.medication_codes else recognize(line)
            for i, line in enumerate(facts.medications)
        ),
        allergies=tuple(classify_allergy(line) for line in facts.allergies),
        crcl=creatinine_clearance(facts),
        rules=rules,
    )
    total = Contribution()
    for area in _AREAS:
        total.merge(area(context))
    total.merge(plan_general(context, total))
    total = hold_duplicates_once(context, total)
    dispositions = tuple(
        total.dispositions.get(index, Disposition.REVIEW) for index in range(len(context.medications))
    )
    return Plan(
        protocol=facts.protocol,
        ruleset_version=f"{ruleset_version(facts.protocol)};{rules.version}",
        as_of=facts.as_of,
        procedure_start=facts.procedure.start,
        timezone=facts.procedure.timezone,
        language=facts.language,
        medications=context.medications,
        dispositions=dispositions,
        allergies=context.allergies,
        actions=tuple(sorted(total.actions, key=_action_order)),
        flags=tuple(sorted(total.flags, key=_flag_order)),
        policies=facts.policies.as_pairs(),
        crcl_ml_min=context.crcl.value,
        crcl_origin=context.crcl.origin.value,
    )


# A patient who touches every shipped table: both protocols' rules, the drug knowledge and
# its spelling index, the dictionaries, allergy classes and both languages' wording.
_WARM_UP_FACTS = {
    "as_of": "2026-01-05T09:00:00-08:00",
    "procedure": {"start": "2026-01-20T08:00:00-08:00", "timezone": "America/Los_Angeles", "levels": ["L1"]},
    "patient": {"age": 80, "weight_kg": 60, "diabetes": "type2"},
    "medications": ["Plavix 75 mg daily", "Eliquis 5 mg twice a day", "metformin 500 mg bid",
                    "Lantus 20 units at bedtime", "prednisone 5 mg", "plavics", "blue pill"],
    "allergies": ["iodinated contrast - hives", "penicillin"],
    "labs": {"egfr": 50},
    "language": "es",
}


def preload_knowledge() -> None:
    """Load the knowledge base now (gunicorn: before the first request; with --preload, once
    in the master and shared by every worker), so no patient waits for it."""
    for protocol in (Protocol.SIR_2019, Protocol.ASRA_2018):  # `strictest` combines these two
        load_ruleset(protocol)
    for language in ("en", "es"):
        plan_to_dict(build_plan(parse_facts({**_WARM_UP_FACTS, "language": language})))
