"""The letter to the primary-care physician as PDF (WeasyPrint). Clinician text, in English:
what REFERENCE §13a lists (trigger, tests, DXA, vitamin D, falls, treatment options), or
that the patient declined drug treatment."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.template.loader import render_to_string

from kyphoplan.liaison.models import FractureGrade, LetterKind, LiaisonTrack, Step, StepState
from kyphoplan.web.practice import get_practice

TESTS = ["Serum calcium", "Complete blood count (CBC)", "Creatinine and eGFR", "Alkaline phosphatase", "TSH",
         "25-OH vitamin D", "Serum protein electrophoresis (vertebral fracture)"]
SOURCES = "ASBMR secondary fracture prevention coalition 2019; a public fracture liaison service model letter"


def letter_context(track: LiaisonTrack, kind: LetterKind, *, author: Any, now: datetime) -> dict[str, Any]:
    practice = get_practice()
    zone = practice.hours.zone
    case = track.case
    steps = {s.step: s for s in track.steps.all()}
    declined = steps.get(Step.TREATMENT_STARTED)
    return {
        "practice": practice, "case": case, "kind": kind.value, "now": now.astimezone(zone),
        "procedure_at": track.procedure_at.astimezone(zone), "levels": ", ".join(case.levels_to_treat) or "not recorded",
        "grade": FractureGrade(track.grade).label if track.grade != FractureGrade.UNKNOWN else "",
        "pcp_name": track.pcp_name or "the primary-care physician", "tests": TESTS, "sources": SOURCES,
        "declined_on": declined.closed_at.astimezone(zone) if declined and declined.state == StepState.DECLINED
        and declined.closed_at else None,
        "steps": [(Step(s.step).label, StepState(s.state).label) for s in track.steps.all() if s.step != Step.PCP_LETTER],
        "author": author.get_full_name() or author.get_username(),
    }


def letter_html(track: LiaisonTrack, kind: LetterKind, *, author: Any, now: datetime) -> str:
    return render_to_string("liaison/letter.html", letter_context(track, kind, author=author, now=now))


def letter_pdf(track: LiaisonTrack, kind: LetterKind, *, author: Any, now: datetime) -> bytes:
    # Imported here, as in patient.documents: WeasyPrint loads fonts and styles on import,
    # which every web process would otherwise pay at start-up.
    from weasyprint import HTML

    return bytes(HTML(string=letter_html(track, kind, author=author, now=now)).write_pdf())
