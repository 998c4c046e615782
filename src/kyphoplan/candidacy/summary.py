"""Everything computed about a case's candidacy, from its rows, through the pure core.

`summarize` reads; it never writes and never reads the clock (the caller passes `as_of`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from typing import Any

from kyphoplan.candidacy.models import (
    Candidacy,
    ContraindicationOverride,
    LevelAssessment,
    Oedema,
    PayerCriteriaVersion,
)
from kyphoplan.cases.models import Case
from kyphoplan.clinical import candidacy as checklist_core
from kyphoplan.clinical import payer_criteria as payers
from kyphoplan.clinical.coding import (
    CodingError,
    CptLine,
    Diagnosis,
    Encounter,
    Osteoporosis,
    cpt_lines,
    icd10,
    parse_level,
)
from kyphoplan.clinical.grading import Assessment, Heights, assess, one_decimal


@dataclass(frozen=True)
class LevelView:
    row: LevelAssessment
    assessment: Assessment
    planned: bool


@dataclass(frozen=True)
class PayerView:
    record: payers.PayerRecord
    results: list[payers.Result]
    overall: payers.Outcome
    edited: PayerCriteriaVersion | None


@dataclass
class Summary:
    case: Case
    candidacy: Candidacy | None
    levels: list[LevelView]
    computed: dict[str, bool | None]
    review: checklist_core.Review
    overrides: list[ContraindicationOverride]
    evidence: payers.Evidence
    payers: list[PayerView]
    cpt: list[CptLine] = field(default_factory=list)
    cpt_error: str = ""
    diagnosis: Diagnosis | None = None

    @property
    def planned_without_fracture(self) -> list[LevelView]:
        """Planned levels whose measured heights show no fracture (Genant grade 0)."""
        return [lv for lv in self.levels if lv.planned and lv.assessment.grade == 0]

    @property
    def named_overrides(self) -> list[tuple[ContraindicationOverride, str]]:
        """Each override with its item's text (what staff and the payer read, not the item's id)."""
        texts = {ln.item.id: ln.item.text for ln in self.review.lines}
        return [(o, texts.get(o.item_id, o.item_id)) for o in self.overrides]

    @property
    def selected_payer(self) -> PayerView | None:
        wanted = self.candidacy.payer_record if self.candidacy else ""
        return next((p for p in self.payers if p.record.id == wanted), None)


def assessment_of(row: LevelAssessment) -> Assessment:
    return assess(Heights.of(row.anterior_mm, row.middle_mm, row.posterior_mm, row.reference_mm))


def current_payer_records() -> list[tuple[payers.PayerRecord, PayerCriteriaVersion | None]]:
    """Each payer record as it applies now: the practice's newest version, else the shipped one."""
    out = []
    for record_id, raw in payers.shipped_records().items():
        # One indexed read per payer: the cost does not grow with the number of past edits.
        row = (PayerCriteriaVersion.objects.filter(record_id=record_id).select_related("changed_by")
               .order_by("-changed_at", "-id").first())
        out.append((payers.parse_record(row.record if row else raw), row))
    return out


def _tri(values: list[bool | None]) -> bool | None:
    if any(v is True for v in values):
        return True
    if values and all(v is False for v in values):
        return False
    return None


def _computed(case: Case, levels: list[LevelView]) -> dict[str, bool | None]:
    planned = [lv for lv in levels if lv.planned] or levels
    oedema: list[bool | None] = [
        {Oedema.YES: True, Oedema.NO: False}.get(Oedema(lv.row.oedema)) for lv in planned]
    if oedema:
        acute: bool | None = (True if all(v is True for v in oedema)
                              else False if any(v is False for v in oedema) else None)
    else:
        acute = case.mri_edema
    retro = [{"yes": True, "no": False}.get(lv.row.retropulsion) for lv in levels]
    return {"acute_on_imaging": acute, "retropulsion": _tri(retro),
            "vertebra_plana": _tri([lv.assessment.vertebra_plana for lv in levels]) if levels else None}


def _evidence(case: Case, c: Candidacy | None, levels: list[LevelView], acute: bool | None,
              as_of: datetime) -> payers.Evidence:
    planned = [lv for lv in levels if lv.planned] or levels
    losses = [lv.assessment.max_loss for lv in planned]
    level_pain = [lv.row.pain_nrs for lv in levels if lv.row.pain_nrs is not None]
    pain = c.pain_nrs if c is not None and c.pain_nrs is not None else (max(level_pain) if level_pain else None)
    imaging_age = (as_of.date() - case.imaging_date).days if case.imaging_date else None
    values: dict[str, Any] = {}
    if c is not None:
        values = {name: getattr(c, name) for name in (
            "pain_worsening", "conservative_care_weeks", "analgesic_weeks", "exercise_weeks", "rdq", "kyphosis",
            "bone_density_referral", "osteoporosis_education", "osteoporosis_programme")}
        values["setting"] = payers.Setting(c.setting) if c.setting else None
    return payers.Evidence(pain_nrs=pain, acute_on_imaging=acute, imaging_age_days=imaging_age,
                           max_height_loss=max(losses) if losses else None,
                           levels=tuple(case.levels_to_treat), **values)


def summarize(case: Case, *, as_of: datetime) -> Summary:
    c = Candidacy.objects.filter(case=case).first()
    planned = set(case.levels_to_treat)
    rows = sorted(LevelAssessment.objects.filter(case=case), key=lambda r: _order(r.level))
    levels = [LevelView(row=r, assessment=assessment_of(r), planned=r.level in planned) for r in rows]
    computed = _computed(case, levels)
    overrides = list(ContraindicationOverride.objects.filter(case=case).select_related("by"))
    review = checklist_core.review(c.answers if c else {}, computed, frozenset(o.item_id for o in overrides))
    evidence = _evidence(case, c, levels, computed["acute_on_imaging"], as_of)
    payer_views = []
    for record, row in current_payer_records():
        results = payers.evaluate(record, evidence)
        payer_views.append(PayerView(record=record, results=results, overall=payers.overall(results), edited=row))
    summary = Summary(case=case, candidacy=c, levels=levels, computed=computed, review=review,
                      overrides=overrides, evidence=evidence, payers=payer_views)
    try:
        summary.cpt = cpt_lines(case.levels_to_treat)
    except CodingError as exc:
        summary.cpt_error = str(exc)
    summary.diagnosis = icd10(Osteoporosis(c.osteoporosis) if c else Osteoporosis.AGE_RELATED,
                              Encounter(c.encounter) if c else Encounter.INITIAL)
    return summary


def _order(level: str) -> int:
    try:
        return parse_level(level).position
    except CodingError:
        return 99


def max_loss_text(value: Fraction | None) -> str:
    return "not measured" if value is None else f"{one_decimal(value)} %"
