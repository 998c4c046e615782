"""Blood thinners in the plan: antithrombotic outcomes → patient actions and clinician flags."""

from __future__ import annotations

from dataclasses import dataclass

from kyphoplan.clinical.antithrombotic import Outcome, Status, outcomes_for_line
from kyphoplan.clinical.context import Contribution, PlanContext
from kyphoplan.clinical.model import (
    Action,
    ActionCode,
    Audience,
    Disposition,
    Flag,
    FlagCode,
    LocalText,
    RecognizedMedication,
    Severity,
)
from kyphoplan.clinical.rulesets import AntithromboticRule, HoldKind, Interval, RestartKind
from kyphoplan.clinical.thrombosis import (
    ASPIRIN_CLASS,
    CARE_TEAM_RULE,
    P2Y12_CLASS,
    RISK_RULE,
    STENT_RULE,
    Assessment,
    assess,
    is_care_team,
)
from kyphoplan.clinical.wording import format_clock, join, say

UNSPECIFIED = "unspecified-blood-thinner"


def _action(code: ActionCode, rule: AntithromboticRule, text: LocalText, **fields: object) -> Action:
    return Action(code=code, text=text, rule=rule.id, source=rule.source, guideline=rule.guideline, **fields)  # type: ignore[arg-type]


def _flag(code: FlagCode, severity: Severity, rule: AntithromboticRule, text: LocalText, drug: str) -> Flag:
    return Flag(
        code=code,
        severity=severity,
        text=text,
        rule=rule.id,
        source=rule.source,
        drug=drug,
        guideline=rule.guideline,
    )


def _shown(interval: Interval) -> LocalText:
    unit = {HoldKind.DAYS: "days", HoldKind.DOSES: "doses", HoldKind.HOURS: "hours"}[interval.kind]
    return say(f"thinner.unit.{unit}", count=interval.shown())


def _stop(
    ctx: PlanContext, out: Contribution, o: Outcome, name: LocalText, index: int, how: _How
) -> None:
    assert o.window is not None and o.interval is not None
    window, rule = o.window, o.rule
    if how.care_team:
        text = say("thinner.care-team.stop", drug=name, latest=window.starts)
    elif ctx.is_past(window.starts):
        # Too late for the planned hold (flagged below): never a "last dose" on a day gone.
        text = say("general.stop.late", drug=name, procedure_day=ctx.procedure_day)
    elif o.interval.kind is HoldKind.DAYS:
        text = say(
            "thinner.stop.days", drug=name, last_day=window.last_dose_date, first_day=window.starts.date()
        )
    elif window.last_dose_at is not None and window.last_dose_at != window.starts:
        text = say("thinner.stop.doses", drug=name, last_dose=window.last_dose_at)
    else:
        text = say("thinner.stop.hours", drug=name, latest=window.starts)
    out.actions.append(
        _action(
            ActionCode.STOP_MEDICATION,
            rule,
            text,
            due=window.starts,
            drug=o.drug,
            last_dose_date=window.last_dose_date,
            audience=how.audience,
            requires_review=True,
        )
    )
    consult_due = ctx.consult_due(window.starts)
    if how.care_team:
        # The ward asks the treating physician; the patient is only told it is in hand.
        consult = say("thinner.care-team.consult", drug=name, due=consult_due, latest=window.starts)
    else:
        consult = say("thinner.consult.stop", drug=name, due=consult_due.date(), procedure_day=ctx.procedure_day)
    out.actions.append(
        _action(
            ActionCode.CONSULT_PRESCRIBER,
            rule,
            consult,
            due=consult_due,
            drug=o.drug,
            audience=how.audience,
            requires_review=True,
        )
    )
    _resume(ctx, out, o, name, how)
    shown = say("thinner.unit.hours", count=f"{o.hours_instead:g}") if o.hours_instead else _shown(o.interval)
    key = "thinner.flag.per-patient" if rule.per_patient_decision else "thinner.flag.consult"
    out.flags.append(
        _flag(
            FlagCode.PRESCRIBER_CONSULT,
            Severity.HIGH,
            rule,
            say(key, drug=o.drug, shown=shown, rule=rule.id),
            o.drug,
        )
    )
    if ctx.is_past(window.starts):
        out.flags.append(
            _flag(
                FlagCode.INSUFFICIENT_LEAD_TIME,
                Severity.HIGH,
                rule,
                say("thinner.flag.lead-time", drug=o.drug, starts=window.starts),
                o.drug,
            )
        )
    if o.renal_needed:
        out.flags.append(
            _flag(
                FlagCode.RENAL_FUNCTION_NEEDED,
                Severity.HIGH,
                rule,
                say("thinner.flag.renal-needed", drug=o.drug, shown=shown),
                o.drug,
            )
        )
    if o.times_assumed:
        clocks = ", ".join(
            format_clock(ctx.at(ctx.procedure_day, t), ctx.facts.language) for t in o.times_assumed
        )
        out.flags.append(
            _flag(
                FlagCode.DOSE_OR_FREQUENCY_UNCLEAR,
                Severity.MEDIUM,
                rule,
                say("thinner.flag.times-assumed", drug=o.drug, times=clocks),
                o.drug,
            )
        )
    if o.assumed:
        out.flags.append(
            _flag(
                FlagCode.ASSUMPTION_TO_CONFIRM,
                Severity.MEDIUM,
                rule,
                say("thinner.flag.assumed", drug=o.drug, assumption=o.assumed),
                o.drug,
            )
        )
    if rule.bridging_question and not how.high_risk:
        # With a high thrombotic risk the `thrombotic-risk-high` flag asks this, at high severity.
        out.flags.append(
            _flag(
                FlagCode.PRESCRIBER_CONSULT,
                Severity.MEDIUM,
                rule,
                say("thinner.flag.bridging", drug=o.drug),
                o.drug,
            )
        )
    _lab_checks(ctx, out, rule, o.drug)
    out.decide(index, Disposition.STOP)


def _resume(ctx: PlanContext, out: Contribution, o: Outcome, name: LocalText, how: _How) -> None:
    rule = o.restart_rule or o.rule
    restart = o.restart
    if how.care_team:
        text = (
            say("thinner.care-team.resume", drug=name, due=o.restart_due)
            if o.restart_due
            else say("thinner.care-team.resume-team", drug=name)
        )
    elif restart is not None and restart.kind is RestartKind.DAY_AFTER and o.restart_due:
        text = say("thinner.resume.day-after", drug=name, due=o.restart_due.date())
    elif restart is not None and restart.kind is RestartKind.HOURS and o.restart_due:
        text = say("thinner.resume.hours", drug=name, due=o.restart_due)
    else:
        text = say("thinner.resume.team", drug=name)
    out.actions.append(
        _action(
            ActionCode.RESUME_MEDICATION,
            rule,
            text,
            due=o.restart_due,
            drug=o.drug,
            audience=how.audience,
            requires_review=True,
        )
    )


def _lab_checks(ctx: PlanContext, out: Contribution, rule: AntithromboticRule, drug: str) -> None:
    if rule.inr_max is None and not rule.inr_normal and not rule.lab_check:
        return
    if rule.lab_check:
        out.flags.append(
            _flag(
                FlagCode.LAB_CHECK,
                Severity.MEDIUM,
                rule,
                say("thinner.flag.lab", drug=drug, lab=rule.lab_check),
                drug,
            )
        )
        return
    inr = ctx.facts.labs.inr
    target = say("thinner.inr.max", value=rule.inr_max) if rule.inr_max else say("thinner.inr.normal")
    key = "thinner.flag.inr" if inr is None else "thinner.flag.inr-value"
    # Only a value at or under a stated target lowers the severity; "a normal
    # INR" has no verified number, so any value there still needs a clinician.
    within = inr is not None and rule.inr_max is not None and inr <= rule.inr_max
    severity = Severity.MEDIUM if within else Severity.HIGH
    out.flags.append(
        _flag(
            FlagCode.INR_CHECK,
            severity,
            rule,
            say(key, drug=drug, target=target, value=inr or 0.0),
            drug,
        )
    )


def _undecided(
    ctx: PlanContext, out: Contribution, o: Outcome, name: LocalText, index: int, how: _How
) -> None:
    """No verified value, shared decision, or outside the renal bands: a clinician decides."""
    rule = o.rule
    if o.kind == Status.NOT_COVERED:
        crcl = ctx.crcl.value
        code, key = FlagCode.RENAL_FUNCTION_NOT_COVERED, "thinner.flag.not-covered"
        text = say(key, drug=o.drug, crcl=crcl if crcl is not None else "?")
    elif o.kind == HoldKind.SHARED_DECISION.value:
        code, text = (
            FlagCode.PRESCRIBER_CONSULT,
            say("thinner.flag.shared", drug=o.drug, rule=rule.id),
        )
    else:
        code, text = (
            FlagCode.NO_VERIFIED_VALUE,
            say("thinner.flag.no-value", drug=o.drug, rule=rule.id),
        )
    out.flags.append(_flag(code, Severity.HIGH, rule, text, o.drug))
    due = ctx.consult_due()
    key = "thinner.care-team.undecided" if how.care_team else "thinner.consult.undecided"
    out.actions.append(
        _action(
            ActionCode.CONSULT_PRESCRIBER,
            rule,
            say(key, drug=name, due=due.date()),
            due=due,
            drug=o.drug,
            audience=how.audience,
            requires_review=True,
        )
    )
    out.decide(index, Disposition.REVIEW)


def _continue(ctx: PlanContext, out: Contribution, o: Outcome, name: LocalText, index: int) -> None:
    rule = o.rule
    out.actions.append(
        _action(
            ActionCode.CONTINUE_MEDICATION,
            rule,
            say("thinner.continue", drug=name),
            due=None,
            drug=o.drug,
            requires_review=True,
        )
    )
    if rule.unconfirmed:
        out.flags.append(
            _flag(
                FlagCode.NO_VERIFIED_VALUE,
                Severity.MEDIUM,
                rule,
                say("thinner.flag.unconfirmed", drug=o.drug),
                o.drug,
            )
        )
        out.decide(index, Disposition.REVIEW)
    else:
        out.decide(index, Disposition.CONTINUE)


def _unspecified(ctx: PlanContext, out: Contribution, med: RecognizedMedication, index: int) -> None:
    rule = ctx.rules["source.blood-thinner-consult"]
    due = ctx.consult_due()
    out.act(
        ActionCode.CONSULT_PRESCRIBER,
        rule,
        say("thinner.consult.unnamed", due=due.date()),
        due=due,
        review=True,
    )
    out.flag(
        FlagCode.PRESCRIBER_CONSULT,
        Severity.HIGH,
        rule,
        say("thinner.flag.unnamed", input=med.input),
        input=med.input,
    )
    out.decide(index, Disposition.REVIEW)


@dataclass(frozen=True)
class _How:
    """How one drug's line is planned: for whom, and with which §4a context."""

    care_team: bool = False
    high_risk: bool = False

    @property
    def audience(self) -> Audience:
        return Audience.CARE_TEAM if self.care_team else Audience.PATIENT


def _classes_of(med: RecognizedMedication, drug: str) -> set[str]:
    parts = set(drug.split("/"))
    return {c for i, c in zip(med.ingredients, med.classes, strict=True) if i in parts}


def _stent_line(
    ctx: PlanContext, out: Contribution, o: Outcome, name: LocalText, index: int, classes: set[str]
) -> str:
    """REFERENCE §4a: aspirin continues pending cardiology; a P2Y12 hold is the
    cardiologist's decision. Returns what the guideline alone would have planned."""
    rule = ctx.rules[STENT_RULE]
    if ASPIRIN_CLASS in classes:
        text = say("thinner.stent.aspirin", drug=name)
        out.act(ActionCode.CONTINUE_MEDICATION, rule, text, due=None, drug=o.drug, review=True)
        out.decide(index, Disposition.CONTINUE)  # continue pending cardiology (the flag says so)
        return _not_drafted(o)
    due = ctx.consult_due()
    text = say("thinner.stent.p2y12", drug=name, due=due.date())
    out.act(ActionCode.CONSULT_PRESCRIBER, rule, text, due=due, drug=o.drug, review=True)
    out.decide(index, Disposition.REVIEW)
    return _not_drafted(o)


def _not_drafted(o: Outcome) -> str:
    shown = _shown(o.interval).en if o.interval is not None and o.window is not None else o.kind
    return f"{o.drug} ({o.rule.id}: {shown})"


def _stent_flag(ctx: PlanContext, out: Contribution, a: Assessment, drugs: list[str], held: list[str]) -> None:
    assert a.stent is not None
    rule = ctx.rules[STENT_RULE]
    not_drafted = ", ".join(held) if held else "-"
    text = say("thinner.flag.stent", reason=a.stent.reason, not_drafted=not_drafted)
    drug = next((d for d in drugs if d), None)
    out.flag(FlagCode.RECENT_CORONARY_STENT, Severity.HIGH, rule, text, drug=drug)


def _risk_flags(ctx: PlanContext, out: Contribution, a: Assessment, drugs: list[str]) -> None:
    rule = ctx.rules[RISK_RULE]
    reasons = join(list(a.high_risk_reasons), "; ")
    targets: list[str | None] = list(drugs) or [None]
    for drug in targets:
        text = say("thinner.flag.thrombotic-risk", drug=drug or "-", reasons=reasons)
        out.flag(FlagCode.THROMBOTIC_RISK_HIGH, Severity.HIGH, rule, text, drug=drug)


_NOT_FOR_THROMBOSIS = {"nsaid", "cox2-inhibitor"}


def plan_blood_thinners(ctx: PlanContext) -> Contribution:
    out = Contribution()
    assessment = assess(ctx)
    stent_drugs: list[str] = []
    not_drafted: list[str] = []
    risk_drugs: list[str] = []
    for index, med in enumerate(ctx.medications):
        if UNSPECIFIED in med.ingredients:
            _unspecified(ctx, out, med, index)
            continue
        for outcome in outcomes_for_line(med, ctx.facts, ctx.crcl):
            name = ctx.display_name(med, outcome.drug)
            classes = _classes_of(med, outcome.drug)
            care_team = any(
                is_care_team(ctx, i, c, med.route)
                for i, c in zip(med.ingredients, med.classes, strict=True)
                if i in outcome.drug.split("/")
            )
            how = _How(care_team=care_team, high_risk=assessment.high_risk)
            if care_team:
                rule = ctx.rules[CARE_TEAM_RULE]
                text = say("thinner.care-team.order", drug=name)
                out.act(ActionCode.INFORMATION, rule, text, due=None, drug=outcome.drug, audience=Audience.CARE_TEAM)
            if assessment.high_risk and outcome.kind != HoldKind.NONE.value and not classes <= _NOT_FOR_THROMBOSIS:
                risk_drugs.append(outcome.drug)
            if assessment.stent is not None and classes & {ASPIRIN_CLASS, P2Y12_CLASS}:
                not_drafted.append(_stent_line(ctx, out, outcome, name, index, classes))
                stent_drugs.append(outcome.drug)
            elif outcome.window is not None:
                _stop(ctx, out, outcome, name, index, how)
            elif outcome.kind == HoldKind.NONE.value:
                _continue(ctx, out, outcome, name, index)
            else:
                _undecided(ctx, out, outcome, name, index, how)
    if assessment.stent is not None:
        p2y12_first = sorted(stent_drugs, key=lambda d: "aspirin" in d)
        _stent_flag(ctx, out, assessment, p2y12_first, not_drafted)
    if assessment.high_risk:
        _risk_flags(ctx, out, assessment, list(dict.fromkeys(risk_drugs)))
    return out
