"""What every part of the plan builder reads (`PlanContext`) and returns (`Contribution`).

Each area (blood thinners, diabetes, allergies, general preparation) is a pure
function `PlanContext -> Contribution`; `plan.build_plan` runs them all and
merges the results. Helpers here keep dates and wording uniform across areas.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache, cached_property
from importlib import resources

from kyphoplan.clinical.facts import PatientFacts
from kyphoplan.clinical.model import (
    Action,
    ActionCode,
    AllergyAssessment,
    Audience,
    Disposition,
    Flag,
    FlagCode,
    LocalText,
    RecognizedMedication,
    Severity,
)
from kyphoplan.clinical.preparation import PreparationRule, PreparationRules
from kyphoplan.clinical.renal import Crcl
from kyphoplan.clinical.timing import instant, local_at, shift, start_of_day

# Patients are asked to call their prescriber in office hours.
CALL_TIME = time(9, 0)
# Least to most cautious: the most cautious decision on a line wins.
_CAUTION = {Disposition.CONTINUE: 0, Disposition.ADJUST: 1, Disposition.STOP: 2, Disposition.REVIEW: 3}


@dataclass(frozen=True)
class PlanContext:
    facts: PatientFacts
    medications: tuple[RecognizedMedication, ...]
    allergies: tuple[AllergyAssessment, ...]
    crcl: Crcl
    rules: PreparationRules

    @property
    def start(self) -> datetime:
        return self.facts.procedure.start

    # Per plan, computed once: every area asks for these many times.
    @cached_property
    def procedure_day(self) -> date:
        return self.start.date()

    @cached_property
    def _as_of_instant(self) -> datetime:
        return instant(self.facts.as_of)

    @cached_property
    def _default_consult_due(self) -> datetime:
        lead = self.facts.policies.consult_lead_days
        return max(self.at(self.day(-lead), CALL_TIME), self.facts.as_of, key=instant)

    def day(self, offset: int) -> date:
        """The calendar day `offset` days from the procedure day (negative = before)."""
        return self.procedure_day + timedelta(days=offset)

    def at(self, day: date, clock: time) -> datetime:
        return local_at(day, clock, self.facts.zone)

    def midnight(self, day: date) -> datetime:
        return start_of_day(day, self.facts.zone)

    def hours_before(self, hours: float) -> datetime:
        return shift(self.start, timedelta(hours=-hours), self.facts.zone)

    def hours_after(self, moment: datetime, hours: float) -> datetime:
        return shift(moment, timedelta(hours=hours), self.facts.zone)

    def consult_due(self, hold_starts: datetime | None = None) -> datetime:
        """When the patient should have asked the prescriber: the practice's lead
        time before the procedure (default a week), and at least the day before a
        hold starts. Never in the past: a late plan says "now"."""
        if hold_starts is None:
            return self._default_consult_due
        lead = self.facts.policies.consult_lead_days
        due = self.at(self.day(-lead), CALL_TIME)
        if hold_starts is not None:
            due = min(due, self.at(hold_starts.date() - timedelta(days=1), CALL_TIME), key=instant)
        return max(due, self.facts.as_of, key=instant)

    def is_past(self, moment: datetime) -> bool:
        return instant(moment) < self._as_of_instant

    def display_name(self, med: RecognizedMedication, drug: str) -> LocalText:
        """How the patient will recognise the drug: the generic name in their
        language (Spanish names from data, else the English one), and the brand if given."""
        en, es = drug, spanish_drug_name(drug)
        if med.brand and med.brand.lower() not in drug.lower():
            return LocalText(en=f"{en} ({med.brand})", es=f"{es} ({med.brand})")
        return LocalText(en=en, es=es)


def spanish_drug_name(drug: str) -> str:
    """The generic name a Spanish reader knows ("warfarina"), part by part for "a/b"
    combinations; a name missing from the table stays as it is."""
    spanish = spanish_drug_names()
    return "/".join(spanish.get(part, part) for part in drug.split("/"))


@cache
def spanish_drug_names() -> dict[str, str]:
    text = resources.files("kyphoplan.clinical.data").joinpath("drug_names_es.json").read_text("utf-8")
    names = json.loads(text)
    return {key: value for key, value in names.items() if not key.startswith("_")}


@dataclass
class Contribution:
    actions: list[Action] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    dispositions: dict[int, Disposition] = field(default_factory=dict)

    def act(
        self,
        code: ActionCode,
        rule: PreparationRule,
        text: LocalText,
        *,
        due: datetime | None,
        drug: str | None = None,
        last_dose_date: date | None = None,
        review: bool = False,
        audience: Audience = Audience.PATIENT,
    ) -> None:
        self.actions.append(
            Action(
                code=code,
                text=text,
                rule=rule.id,
                source=rule.source,
                due=due,
                drug=drug,
                last_dose_date=last_dose_date,
                audience=audience,
                requires_review=review,
                guideline=rule.guideline,
            )
        )

    def flag(
        self,
        code: FlagCode,
        severity: Severity,
        rule: PreparationRule,
        text: LocalText,
        *,
        drug: str | None = None,
        input: str | None = None,
    ) -> None:
        self.flags.append(
            Flag(
                code=code,
                severity=severity,
                text=text,
                rule=rule.id,
                source=rule.source,
                drug=drug,
                input=input,
                guideline=rule.guideline,
            )
        )

    def decide(self, index: int, disposition: Disposition) -> None:
        """Record what happens to line `index`; the most cautious decision wins."""
        current = self.dispositions.get(index)
        if current is None or _CAUTION[disposition] > _CAUTION[current]:
            self.dispositions[index] = disposition

    def merge(self, other: Contribution) -> None:
        self.actions.extend(other.actions)
        self.flags.extend(other.flags)
        for index, disposition in other.dispositions.items():
            self.decide(index, disposition)
