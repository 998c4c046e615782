"""The letter to the primary-care physician as PDF (WeasyPrint). Clinician text, in English:
what REFERENCE §13a lists (trigger, tests, DXA, vitamin D, falls, treatment options), or
that the patient declined drug treatment.

The requests follow the recorded steps: a done step is reported as done and not asked for
again (no second DXA, no second drug), a declined step is reported as declined with a request
to offer it again, and only open steps are asked for."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.template.loader import render_to_string

from kyphoplan.liaison.models import FractureGrade, LetterKind, LiaisonStep, LiaisonTrack, Step, StepState
from kyphoplan.staff.roles import roles_of
from kyphoplan.web.practice import get_practice

TESTS = ["Serum calcium", "Complete blood count (CBC)", "Creatinine and eGFR", "Alkaline phosphatase", "TSH",
         "25-OH vitamin D", "Serum protein electrophoresis (vertebral fracture)"]
SOURCES = "ASBMR secondary fracture prevention coalition 2019; a public fracture liaison service model letter"
TREATMENT_OPTIONS = "alendronate or risedronate first line; zoledronic acid or denosumab as alternatives"

# Per step: what to ask while it is open, what to report when done, and when declined.
ASK = {
    Step.DXA_REFERRAL: "Arrange a DXA bone density scan.",
    Step.CALCIUM_VITAMIN_D: "Start vitamin D supplementation (with calcium as needed).",
    Step.FALLS_ASSESSMENT: "Assess the patient's risk of falls, and again regularly.",
}
DONE = {
    Step.DXA_REFERRAL: "We have referred the patient for a DXA bone density scan{on}: please do not arrange "
                       "another.",
    Step.TREATMENT_STARTED: "Osteoporosis drug treatment was started{on}: please do not start a second drug; "
                            "please review adherence at future visits, as fewer than a quarter of patients are "
                            "still on treatment at one year.",
    Step.CALCIUM_VITAMIN_D: "We advised calcium and vitamin D{on}.",
    Step.FALLS_ASSESSMENT: "We assessed the patient's risk of falls{on}: please assess it again regularly.",
}
DECLINED = {
    Step.DXA_REFERRAL: "The patient declined a DXA bone density scan{on}: please offer it again at a future visit.",
    Step.CALCIUM_VITAMIN_D: "The patient declined calcium and vitamin D{on}: please offer them again at a "
                            "future visit.",
    Step.FALLS_ASSESSMENT: "The patient declined a falls assessment{on}: please offer it again at a future visit.",
}


def _on(row: LiaisonStep, zone: Any) -> str:
    return f" on {row.closed_at.astimezone(zone):%-d %B %Y}" if row.closed_at else ""


def plan(steps: dict[str, LiaisonStep], zone: Any) -> tuple[list[str], list[str]]:
    """(requests, reports): what the letter asks of the physician, and what it reports as done
    or declined, from the recorded steps (REFERENCE §13a)."""
    asks: list[str] = []
    reports: list[str] = []
    for step in (Step.DXA_REFERRAL, Step.CALCIUM_VITAMIN_D, Step.FALLS_ASSESSMENT):
        row = steps.get(step)
        state = StepState(row.state) if row else StepState.OPEN
        if row is None or state == StepState.OPEN:
            asks.append(ASK[step])
        elif state == StepState.DONE:
            reports.append(DONE[step].format(on=_on(row, zone)))
        else:
            reports.append(DECLINED[step].format(on=_on(row, zone)))
        if step == Step.DXA_REFERRAL:  # the blood tests have no step of their own: always asked
            asks.append("Check these blood tests: " + "; ".join(TESTS) + ".")
    return asks, reports


def signature(author: Any) -> list[str]:
    """The sign-off lines: the staff member's full name, role(s), then the practice."""
    name = author.get_full_name() or author.get_username()
    lines = [name]
    roles = sorted(r.label for r in roles_of(author))
    if roles:
        lines.append(", ".join(roles))
    return lines


def letter_context(track: LiaisonTrack, kind: LetterKind, *, author: Any, now: datetime) -> dict[str, Any]:
    practice = get_practice()
    zone = practice.hours.zone
    case = track.case
    steps = {s.step: s for s in track.steps.all()}
    declined = steps.get(Step.TREATMENT_STARTED)
    asks, reports = plan(steps, zone)
    treatment = StepState(declined.state) if declined else StepState.OPEN
    started = DONE[Step.TREATMENT_STARTED].format(on=_on(declined, zone)) if declined else ""
    return {
        "practice": practice, "case": case, "kind": kind.value, "now": now.astimezone(zone),
        "procedure_at": track.procedure_at.astimezone(zone), "levels": ", ".join(case.levels_to_treat) or "not recorded",
        "grade": FractureGrade(track.grade).label if track.grade != FractureGrade.UNKNOWN else "",
        "pcp_name": track.pcp_name or "the primary-care physician", "tests": TESTS, "sources": SOURCES,
        "declined_on": declined.closed_at.astimezone(zone) if declined and declined.state == StepState.DECLINED
        and declined.closed_at else None,
        "steps": [(Step(s.step).label, StepState(s.state).label) for s in steps.values() if s.step != Step.PCP_LETTER],
        "asks": asks, "reports": reports, "treatment": treatment.value, "treatment_started": started, "treatment_options": TREATMENT_OPTIONS,
        "signature": signature(author),
    }


def letter_html(track: LiaisonTrack, kind: LetterKind, *, author: Any, now: datetime) -> str:
    return render_to_string("liaison/letter.html", letter_context(track, kind, author=author, now=now))


def letter_pdf(track: LiaisonTrack, kind: LetterKind, *, author: Any, now: datetime) -> bytes:
    # Imported here, as in patient.documents: WeasyPrint loads fonts and styles on import,
    # which every web process would otherwise pay at start-up.
    from weasyprint import HTML

    return bytes(HTML(string=letter_html(track, kind, author=author, now=now)).write_pdf())
