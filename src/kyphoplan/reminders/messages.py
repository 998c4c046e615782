"""Reminder wording in the patient's language. Plain words, no medical terms, no links
that open anything (reminders point back to the plan the patient already has)."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import translation
from django.utils.translation import gettext as _

from kyphoplan.clinical.model import Language
from kyphoplan.clinical.wording import format_clock, format_date, format_moment
from kyphoplan.reminders.schedule import Kind


def _lang(code: str) -> Language:
    return Language.ES if code == "es" else Language.EN


def _times(doses: tuple[tuple[datetime, str], ...], lang: Language) -> str:
    """Dose times, short enough for a text: "Sunday 13 December: 9:00 PM prednisone; Monday
    14 December: 3:00 AM prednisone, 9:00 AM prednisone and diphenhydramine"."""
    days: dict[date, dict[datetime, list[str]]] = {}
    for at, name in sorted(doses):
        names = days.setdefault(at.date(), {}).setdefault(at, [])
        if name not in names:
            names.append(name)
    joiner = " " + _("and") + " "
    return "; ".join(
        f"{format_date(day, lang)}: " + ", ".join(f"{format_clock(at, lang)} {joiner.join(names)}"
                                                  for at, names in times.items())
        for day, times in days.items())


def render(
    kind: str, *, language: str, drug: str, event_at: datetime, procedure_at: datetime, practice_name: str,
    practice_phone: str, practice_address: str, url: str = "", link_days: int = 0, note: str = "",
    doses: tuple[tuple[datetime, str], ...] = (),
) -> tuple[str, str]:
    """(subject, body) for one message. `doses`: (local time, drug in the patient's language).
    A step a clinician reworded (`note`) keeps its reminder's time but says their words, under
    a title that names the drug and not the engine's instruction."""
    lang = _lang(language)
    params = {
        "day": format_date(event_at.date(), lang), "moment": format_moment(event_at, lang), "drug": drug,
        "procedure": format_moment(procedure_at, lang), "phone": practice_phone, "address": practice_address,
        "practice": practice_name, "url": url, "days": link_days, "note": note,
    }
    with translation.override(language):
        params["times"] = _times(doses, lang)
        if note and drug:
            subject = _("About your %(drug)s: a note from your care team")
            body = _("For %(day)s: %(note)s")
        elif note or kind == Kind.CARE_TEAM:
            subject = _("A note from your care team")
            body = _("For %(day)s: %(note)s")
        elif kind == Kind.CONSULT:
            subject = _("Call your doctor about your medicines")
            body = _("Your procedure is on %(procedure)s. Please call the doctor who prescribes your blood "
                     "thinner before %(day)s. Ask if it is safe to stop it for the procedure. Do not stop any "
                     "medicine unless your plan or your doctor says so.")
        elif kind == Kind.LAST_DOSE:
            subject = _("Today is your last day of %(drug)s")
            body = _("Today, %(day)s, is the last day to take %(drug)s before your procedure. Do not take it "
                     "again until your care team says you can. Your plan has the details.")
        elif kind == Kind.FASTING:
            subject = _("Do not eat or drink before your procedure")
            body = _("Your procedure is on %(procedure)s. From %(moment)s, do not eat or drink anything, "
                     "unless your plan says otherwise.")
        elif kind == Kind.ARRIVAL:
            subject = _("Your procedure is today")
            body = _("Please arrive at %(address)s on %(moment)s. Bring your medicine list and the adult "
                     "who will take you home.")
        elif kind == Kind.PREMEDICATION:
            subject = _("Medicine to take before your procedure")
            body = _("Before your procedure, take this medicine at these times: %(times)s. "
                     "Set an alarm for any dose at night. Your plan says how much to take.")
        elif kind == Kind.DOSE_CHANGE:
            subject = _("Your medicine dose changes")
            body = _("Before your procedure, your dose changes at these times: %(times)s. "
                     "Your plan says how much to take.")
        elif kind == "intake-link":
            subject = _("Questions before your procedure")
            body = _("Please answer some questions about your health and medicines: %(url)s The link works "
                     "for %(days)s days. You can stop and come back later.")
        elif kind == "plan-link":
            subject = _("Your plan to get ready")
            body = _("Your plan to get ready for your procedure is ready: %(url)s You can print it or add it "
                     "to your calendar.")
        else:
            raise ValueError(f"no wording for reminder kind {kind!r}")
        footer = _("Questions? Call %(practice)s at %(phone)s.")
        return subject % params, f"{body % params}\n\n{footer % params}"
