"""A plan as a readable, dated timeline (the command line's default output)."""

from __future__ import annotations

from itertools import groupby

from kyphoplan.clinical.contract import DECISION_SUPPORT
from kyphoplan.clinical.model import Action, Audience, Plan
from kyphoplan.clinical.wording import format_clock, format_date, format_moment

_HEADINGS = {
    "en": ("Preparation plan", "Procedure", "Medicines", "Allergies", "Timeline",
           "Undated", "For the clinician", "review", "not recognised"),
    "es": ("Plan de preparación", "Procedimiento", "Medicinas", "Alergias", "Calendario",
           "Sin fecha", "Para el clínico", "revisar", "no reconocido"),
}  # fmt: skip


def _line(action: Action, plan: Plan, with_clock: bool) -> str:
    review = f" [{_HEADINGS[plan.language.value][7]}]" if action.requires_review else ""
    clock = f"{format_clock(action.due, plan.language):>8}  " if with_clock and action.due else ""
    return f"    {clock}{action.text.get(plan.language)}{review}\n      ({action.code.value}; {action.rule}; {action.source})"


def render_plan(plan: Plan) -> str:
    h = _HEADINGS[plan.language.value]
    out = [
        f"{h[0]}",
        f"{h[1]}: {format_moment(plan.procedure_start, plan.language)} ({plan.timezone})",
        f"protocol {plan.protocol.value} · {plan.ruleset_version} · as of {plan.as_of.isoformat()}",
        DECISION_SUPPORT,
        "",
        f"{h[2]}:",
    ]
    for med, disposition in zip(plan.medications, plan.dispositions, strict=True):
        what = "+".join(med.ingredients) if med.recognized else h[8]
        out.append(f"  - {med.input}  →  {what} [{disposition.value}]")
    if plan.allergies:
        out.append(f"{h[3]}:")
        out.extend(f"  - {a.input}  →  {a.category}" for a in plan.allergies)
    out += ["", f"{h[4]}:"]
    for_patient = [a for a in plan.actions if a.audience is Audience.PATIENT]
    for_staff = [a for a in plan.actions if a.audience is not Audience.PATIENT]
    dated = [a for a in for_patient if a.due is not None]
    for day, group in groupby(dated, key=lambda a: a.due.date() if a.due else None):
        assert day is not None
        out.append(f"  {format_date(day, plan.language)}")
        out.extend(_line(action, plan, with_clock=True) for action in group)
    undated = [a for a in for_patient if a.due is None]
    if undated:
        out.append(f"  {h[5]}")
        out.extend(_line(action, plan, with_clock=False) for action in undated)
    if plan.flags or for_staff:
        out += ["", f"{h[6]}:"]
        out.extend(_line(action, plan, with_clock=False) for action in for_staff)
        for flag in plan.flags:
            out.append(f"  [{flag.severity.value.upper()}] {flag.code.value}: {flag.text.get(plan.language)}")
            out.append(f"      ({flag.rule}; {flag.source})")
    return "\n".join(out) + "\n"
