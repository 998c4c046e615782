"""The patient's plan as a dated checklist, day by day, in their language. Pure but for
gettext: call it inside `translation.override(language)`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kyphoplan.clinical.model import Language
from kyphoplan.clinical.wording import format_clock, format_date
from kyphoplan.plans.effective import CLINICIAN_INSTRUCTION, Line, MedicineInstruction
from kyphoplan.reminders.services import title_drug_name

LAST_DOSE_CLOCK = time(9, 0)


@dataclass(frozen=True)
class Item:
    at: datetime | None
    clock: str  # "8:00 AM", or "" for the whole day
    text: str
    code: str
    summary: str
    drug: str | None = None
    # Calendar extras: how long the event really lasts, and where (the visit's own events).
    until: datetime | None = None
    location: str = ""
    asap: bool = False  # due before the plan was made: "as soon as possible", never a past calendar event


@dataclass
class Day:
    day: date
    heading: str
    items: list[Item] = field(default_factory=list)


@dataclass(frozen=True)
class Visit:
    arrive: datetime
    start: datetime
    discharge: datetime
    overnight: bool
    address: str
    end: datetime | None = None  # the procedure's end in the room


def _lang(code: str) -> Language:
    return Language.ES if code == "es" else Language.EN


def summary(line: Line, language: str = "en") -> str:
    title = _summary(line, language)
    return title[:1].upper() + title[1:]


def _summary(line: Line, language: str) -> str:
    """A short title for calendars, in the step's meaning, drug names in the patient's language.

    A line a clinician replaced keeps its drug in the title but not the engine's instruction
    (their words may say the opposite). A drug with no name in the patient's language gets a
    title without it: the description carries the full sentence."""
    drug = title_drug_name(line.drug or "", language)
    p = {"drug": drug}
    if line.code == CLINICIAN_INSTRUCTION:
        return _("%(drug)s: from your care team") % p if drug else _("From your care team")
    named = {
        "stop-medication": (_("Last day of %(drug)s"), _("Last day of a medicine")),
        "resume-medication": (_("Restart %(drug)s"), _("Restart your medicine")),
        "adjust-dose": (_("Dose change: %(drug)s"), _("Your dose changes")),
        "take-premedication": (_("Take %(drug)s"), _("Take your medicine")),
        "hold-after-procedure": (_("Do not take %(drug)s"), _("A medicine not to take")),
        "continue-medication": (_("Keep taking %(drug)s"), _("Keep taking your medicine")),
        # Some of these lines ask the patient to call, others say "keep taking it, we will
        # tell you": both mean the doctor decides.
        "consult-prescriber": (_("%(drug)s: your doctor decides"), _("Ask about your medicines")),
    }
    if line.code in named:
        with_drug, without = named[line.code]
        return with_drug % p if drug else without
    titles = {
        "fasting-start": _("Stop eating and drinking"),
        "clear-liquids-until": _("Stop clear liquids"),
        "clear-liquid-diet": _("Clear liquids only"),
        "check-blood-glucose": _("Check your blood sugar"),
        "no-smoking-start": _("Stop smoking"),
        "bring-medication-list": _("Bring your medicine list"),
        "arrange-escort": _("Arrange a ride home"),
        "information": _("Good to know"),
    }
    return titles.get(line.code, _("Your plan"))


def moment_of(line: Line, zone: ZoneInfo) -> datetime | None:
    """When the patient acts: a last dose is a whole day, shown in the morning (also when a
    clinician replaced the line's words but not its date)."""
    if line.last_dose_date is not None:
        return datetime.combine(line.last_dose_date, LAST_DOSE_CLOCK, tzinfo=zone)
    return line.due.astimezone(zone) if line.due is not None else None


def checklist(lines: list[Line], visit: Visit | None, *, language: str, zone: ZoneInfo,
              made_at: datetime | None = None) -> tuple[list[Day], list[Item]]:
    """(days in order, items with no date). A step due at or before `made_at` (the plan's own
    moment: the engine says "now" for a step it is already late for) is listed first among the
    undated items, marked `asap`: the page says "as soon as possible" and the calendar has no
    event in the past."""
    lang = _lang(language)
    days: dict[date, Day] = {}
    undated: list[Item] = []

    def add(at: datetime | None, text: str, code: str, title: str, whole_day: bool = False,
            drug: str | None = None, until: datetime | None = None, location: str = "") -> None:
        if at is None:
            undated.append(Item(None, "", text, code, title, drug))
            return
        d = days.setdefault(at.date(), Day(at.date(), format_date(at.date(), lang)))
        d.items.append(Item(at, "" if whole_day else format_clock(at, lang), text, code, title, drug, until,
                            location))

    late: list[Item] = []
    for ln in lines:
        if ln.audience != "patient":
            continue
        at = moment_of(ln, zone)
        if at is not None and made_at is not None and ln.last_dose_date is None and at <= made_at:
            late.append(Item(None, "", ln.text, ln.code, summary(ln, language), ln.drug, asap=True))
            continue
        add(at, ln.text, ln.code, summary(ln, language), whole_day=ln.last_dose_date is not None, drug=ln.drug)
    if visit is not None:
        a = visit.arrive.astimezone(zone)
        add(a, _("Arrive at %(address)s. Bring your medicine list and the adult who will take you home.")
            % {"address": visit.address}, "arrive", _("Arrive for your procedure"),
            until=visit.discharge.astimezone(zone), location=visit.address)
        add(visit.start.astimezone(zone), _("Your procedure starts."), "procedure", _("Procedure"),
            until=visit.end.astimezone(zone) if visit.end else None, location=visit.address)
        if visit.overnight:
            add(visit.discharge.astimezone(zone), _("You go home after a night with us."), "discharge",
                _("Going home"))
    ordered = [days[k] for k in sorted(days)]
    for d in ordered:
        d.items.sort(key=lambda i: (i.clock != "", i.at))
    return ordered, late + undated


DISPOSITION_WORDS = {
    "continue": gettext_noop("Keep taking it"),
    "stop": gettext_noop("Stop it before the procedure (see the dates)"),
    "adjust": gettext_noop("Your dose changes (see the dates)"),
    "review": gettext_noop("Ask your care team"),
}


def medicine_list(medicines: list[MedicineInstruction]) -> list[tuple[str, str]]:
    """The patient's own medicine lines and what to do with each, to bring on the day: the
    clinician's words where they changed the medicine's lines, else the plan's."""
    out = []
    for med in medicines:
        words = DISPOSITION_WORDS.get(med.disposition, DISPOSITION_WORDS["review"])
        out.append((med.input, med.clinician_text or _(words)))
    return out


def end_of(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=zone)
