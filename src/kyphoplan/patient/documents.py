"""Everything the patient gets, built from the signed plan and the booking only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from django.template.loader import render_to_string
from django.utils import translation

from kyphoplan.booking.services import active_booking
from kyphoplan.cases.models import Case
from kyphoplan.clinical.model import Language
from kyphoplan.clinical.wording import format_clock, format_date
from kyphoplan.patient.checklist import Day, Item, Visit, checklist, medicine_list
from kyphoplan.patient.ics import calendar
from kyphoplan.plans.models import PlanVersion
from kyphoplan.plans.services import latest, latest_signed, lines_for, medicines_for
from kyphoplan.web.practice import get_practice


@dataclass
class PatientPlan:
    case: Case
    version: PlanVersion | None  # None: nothing signed yet
    updating: bool  # a newer version waits for a clinician's signature
    days: list[Day]
    undated: list[Item]
    medicines: list[tuple[str, str]]  # (the patient's line, what to do with it)
    visit: Visit | None
    medicine_drugs: list[str] = field(default_factory=list)  # the ingredients of each line, "+"-joined
    language: str = "en"  # the language it is written in

    @property
    def asap(self) -> list[Item]:
        """Steps already due when the plan was made: "as soon as you can", no calendar event."""
        return [i for i in self.undated if i.asap]

    @property
    def later(self) -> list[Item]:
        return [i for i in self.undated if not i.asap]


def patient_plan(case: Case, language: str | None = None) -> PatientPlan:
    """Medication changes come only from a signed version that is also the newest one:
    a plan whose dates have been overtaken (a new date, new medicines) is not shown.

    `language`: the one the reader chose (the page's address); by default the patient's
    stored preference, which messages keep using. The plan's texts exist in both."""
    lang = language if language in ("en", "es") else case.language
    signed = latest_signed(case)
    newest = latest(case)
    booking = active_booking(case)
    practice = get_practice()
    zone = practice.hours.zone
    visit = None
    if booking is not None:
        visit = Visit(arrive=booking.arrive, start=booking.start, discharge=booking.discharge,
                      overnight=booking.overnight, address=practice.address, end=booking.end)
    current = signed if signed is not None and newest is not None and newest.pk == signed.pk else None
    with translation.override(lang):
        if current is None:
            days, undated = checklist([], visit, language=lang, zone=zone)
            return PatientPlan(case, None, signed is not None, days, undated, [], visit, language=lang)
        made = current.plan.get("as_of")
        days, undated = checklist(lines_for(current, lang), visit, language=lang, zone=zone,
                                  made_at=datetime.fromisoformat(made) if made else None)
        lines = medicines_for(current, lang)
        meds = medicine_list(lines)
    return PatientPlan(case, current, False, days, undated, meds, visit, [m.drug for m in lines], lang)


def context(pp: PatientPlan) -> dict[str, Any]:
    return {"pp": pp, "case": pp.case, "practice": get_practice(), "visit": visit_summary(pp)}


def visit_summary(pp: PatientPlan) -> dict[str, str] | None:
    """The procedure day in a few words, for the top of page 1: date, arrival, start, going home
    and place. Times stand alone (no sentence after them), so Spanish never reads "a. m..". """
    if pp.visit is None:
        return None
    zone = get_practice().hours.zone
    lang = Language.ES if pp.language == "es" else Language.EN
    v = pp.visit
    arrive, start, home = (t.astimezone(zone) for t in (v.arrive, v.start, v.discharge))
    return {"day": format_date(arrive.date(), lang), "arrive": format_clock(arrive, lang),
            "start": format_clock(start, lang), "home_day": format_date(home.date(), lang),
            "home": format_clock(home, lang), "overnight": "1" if v.overnight else "", "place": v.address}


def pdf_bytes(pp: PatientPlan, *, base_url: str) -> bytes:
    from weasyprint import HTML

    with translation.override(pp.language):
        html = render_to_string("patient/plan_print.html", context(pp))
    # WeasyPrint ships no type information; write_pdf() with no target returns the PDF's bytes.
    return cast(bytes, HTML(string=html, base_url=base_url).write_pdf())


def ics_bytes(pp: PatientPlan, *, now: datetime) -> bytes:
    practice = get_practice()
    return calendar(pp.days, case_ref=pp.case.reference, zone=practice.hours.zone, practice=practice.name,
                    stamp=now)
