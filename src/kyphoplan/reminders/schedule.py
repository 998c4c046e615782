"""Which reminders a signed plan and a booking call for, and when. Pure: `now` is passed in.

Rules (practice defaults, see docs/pathway.md):
- consult the prescriber: 10:00, at least a day before the plan's consult date
  (itself at least a week before the procedure), so there is time to call;
- each last-dose day: that morning, 09:00 ("today is the last day of ...");
- fasting: the evening before it starts, 18:00;
- arrival: the morning of the procedure, two hours before arrival;
- premedication (timed doses before a contrast procedure): one message for the whole
  regimen, an hour before the first dose (18:00 the evening before if that dose is in the
  morning), listing every dose time. A 3 a.m. dose is never texted at 3 a.m. (quiet
  hours); the message names it and says to set an alarm;
- dose changes (insulin): the same timing per change, one message per send time listing
  the changes it covers (a morning change: 18:00 the evening before);
- a line a clinician replaced keeps its step's reminder (kind, drug and time; their own
  moment if they set one: an hour before it), worded with their words;
- a clinician's added dated instruction, or a replaced step that has no reminder of its
  own: 09:00 that day, or the last 09:00 before it, with their words.
A time inside quiet hours moves to the end of them if that is still before the
deadline, else to just before they begin. A time already past is sent now if
its deadline has not passed, and dropped if it has.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kyphoplan.plans.effective import CLINICIAN_INSTRUCTION, Line


class Kind:
    CONSULT = "consult-prescriber"
    LAST_DOSE = "last-dose"
    FASTING = "fasting-evening"
    ARRIVAL = "arrival-morning"
    CARE_TEAM = "care-team-note"
    PREMEDICATION = "premedication"
    DOSE_CHANGE = "dose-change"


EVENING = time(18, 0)


@dataclass(frozen=True)
class QuietHours:
    start: time = time(21, 0)
    end: time = time(8, 0)

    def contains(self, local: datetime) -> bool:
        t = local.timetz().replace(tzinfo=None)
        if self.start <= self.end:
            return self.start <= t < self.end
        return t >= self.start or t < self.end


@dataclass(frozen=True)
class Recipient:
    language: str
    email: str = ""
    phone: str = ""
    email_ok: bool = True
    sms_ok: bool = False
    opted_out: bool = False

    def channels(self) -> list[tuple[str, str]]:
        if self.opted_out:
            return []
        out = []
        if self.email and self.email_ok:
            out.append(("email", self.email))
        if self.phone and self.sms_ok:
            out.append(("sms", self.phone))
        return out


@dataclass(frozen=True)
class Wanted:
    kind: str
    drug: str | None
    send_at: datetime  # aware, practice zone
    deadline: datetime
    event_at: datetime  # the moment the message talks about (last-dose day, fasting start, arrival)
    note: str = ""  # a clinician's words (an added line, or a line they replaced)
    doses: tuple[tuple[datetime, str], ...] = ()  # (when, drug) for PREMEDICATION and DOSE_CHANGE


@dataclass(frozen=True)
class ReminderSpec:
    key: str
    kind: str
    drug: str | None
    channel: str
    to: str
    language: str
    send_at: datetime  # UTC
    event_at: datetime
    note: str = ""
    doses: tuple[tuple[datetime, str], ...] = ()


def _at(day: date, clock: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=zone)


def _latest(clock: time, not_after: datetime, zone: ZoneInfo) -> datetime:
    """The last local `clock` time at or before `not_after`."""
    local = not_after.astimezone(zone)
    candidate = _at(local.date(), clock, zone)
    return candidate if candidate <= local else _at(local.date() - timedelta(days=1), clock, zone)


def _step(ln: Line) -> str:
    """The step a line is: a line a clinician replaced is still its target's step."""
    return ln.replaces if ln.code == CLINICIAN_INSTRUCTION and ln.replaces else ln.code


def _edited(ln: Line, zone: ZoneInfo) -> Wanted | None:
    """A replaced line: its step's reminder at its step's time, with the clinician's words."""
    assert ln.due is not None
    due = ln.due.astimezone(zone)
    step = _step(ln)
    if step == "stop-medication":
        if ln.last_dose_date is not None:  # the same last-dose day as before
            morning = _at(ln.last_dose_date, time(9, 0), zone)
            return Wanted(Kind.LAST_DOSE, ln.drug, morning, _at(ln.last_dose_date, time(20, 0), zone), morning,
                          ln.text)
        return Wanted(Kind.LAST_DOSE, ln.drug, due - timedelta(hours=1), due, due, ln.text)  # their own moment
    if step == "consult-prescriber":
        return Wanted(Kind.CONSULT, ln.drug, _latest(time(10, 0), due - timedelta(days=1), zone), due, due, ln.text)
    if step == "fasting-start":
        return Wanted(Kind.FASTING, None, _latest(EVENING, due - timedelta(hours=2), zone), due, due, ln.text)
    if step in ("take-premedication", "adjust-dose"):
        kind = Kind.PREMEDICATION if step == "take-premedication" else Kind.DOSE_CHANGE
        return Wanted(kind, ln.drug, _ahead(due, zone), due, due, ln.text, ((due, ln.drug or ""),))
    return None


def _note(ln: Line, zone: ZoneInfo) -> Wanted:
    """A clinician's own dated words: 09:00 that day (a whole last-dose day), or the last 09:00 before."""
    assert ln.due is not None
    if ln.last_dose_date is not None:
        event = _at(ln.last_dose_date, time(9, 0), zone)
        return Wanted(Kind.CARE_TEAM, ln.drug, event, _at(ln.last_dose_date, time(20, 0), zone), event, ln.text)
    due = ln.due.astimezone(zone)
    at = _latest(time(9, 0), due, zone)
    return Wanted(Kind.CARE_TEAM, ln.drug, at, max(due, at + timedelta(hours=1)), due, ln.text)


def _ahead(at: datetime, zone: ZoneInfo) -> datetime:
    """When to remind of a timed dose: an hour before it, or 18:00 the evening before for a
    morning dose (quiet hours would push a message before an early dose to a useless time)."""
    local = at.astimezone(zone)
    if local.time() < time(12, 0):
        return _at(local.date() - timedelta(days=1), EVENING, zone)
    return (local.astimezone(UTC) - timedelta(hours=1)).astimezone(zone)


def _evenings(kind: str, doses: list[tuple[datetime, str]], zone: ZoneInfo, *, one: bool) -> list[Wanted]:
    """Timed doses as evening messages: one for the whole regimen (`one`), else one per evening."""
    groups: dict[datetime, list[tuple[datetime, str]]] = {}
    first = min(doses)[0] if doses else None
    for at, drug in sorted(doses):
        send = _ahead(first if one and first else at, zone)
        groups.setdefault(send, []).append((at, drug))
    out = []
    for send, group in groups.items():
        drugs = "+".join(dict.fromkeys(drug for _, drug in group))
        out.append(Wanted(kind, drugs, send, group[0][0], group[0][0], "", tuple(group)))
    return out


def wanted(lines: list[Line], arrive: datetime, zone: ZoneInfo) -> list[Wanted]:
    out: list[Wanted] = []
    seen: set[tuple[str, str | None]] = set()
    premeds: list[tuple[datetime, str]] = []
    changes: list[tuple[datetime, str]] = []
    for ln in lines:
        if ln.audience != "patient" or ln.due is None:
            continue
        due = ln.due.astimezone(zone)
        if ln.code == CLINICIAN_INSTRUCTION:
            edited = _edited(ln, zone) if ln.replaces else None
            out.append(edited or _note(ln, zone))
        elif ln.code == "consult-prescriber" and (Kind.CONSULT, None) not in seen:
            seen.add((Kind.CONSULT, None))  # one call to the prescriber covers every medicine
            at = _latest(time(10, 0), due - timedelta(days=1), zone)
            out.append(Wanted(Kind.CONSULT, None, at, due, due))
        elif ln.code == "stop-medication" and (Kind.LAST_DOSE, ln.drug) not in seen:
            seen.add((Kind.LAST_DOSE, ln.drug))
            last = ln.last_dose_date or (due - timedelta(days=1)).date()
            morning = _at(last, time(9, 0), zone)
            out.append(Wanted(Kind.LAST_DOSE, ln.drug, morning, _at(last, time(20, 0), zone), morning))
        elif ln.code == "fasting-start" and (Kind.FASTING, None) not in seen:
            seen.add((Kind.FASTING, None))
            evening = _latest(EVENING, due - timedelta(hours=2), zone)
            out.append(Wanted(Kind.FASTING, None, evening, due, due))
        elif ln.code == "take-premedication":
            premeds.append((due, ln.drug or ""))
        elif ln.code == "adjust-dose":
            changes.append((due, ln.drug or ""))
    out += _evenings(Kind.PREMEDICATION, premeds, zone, one=True)
    out += _evenings(Kind.DOSE_CHANGE, changes, zone, one=False)
    local_arrive = arrive.astimezone(zone)
    two_before = (local_arrive.astimezone(UTC) - timedelta(hours=2)).astimezone(zone)
    out.append(Wanted(Kind.ARRIVAL, None, two_before, local_arrive, local_arrive))
    return out


def place(send_at: datetime, deadline: datetime, quiet: QuietHours, now: datetime) -> datetime | None:
    """Move `send_at` out of quiet hours and out of the past, or None if it is too late."""
    zone = send_at.tzinfo
    at = max(send_at, now.astimezone(zone))
    if at >= deadline:
        return None
    local = at.astimezone(zone)
    if quiet.contains(local):
        # Later, at the end of the quiet hours, if that still comes before the deadline.
        end_day = local.date() if local.timetz().replace(tzinfo=None) < quiet.end else local.date() + timedelta(days=1)
        later = datetime.combine(end_day, quiet.end, tzinfo=zone)
        if later < deadline:
            return later
        # Otherwise earlier: just before they began, if that is not already past.
        start_day = end_day if quiet.start < quiet.end else end_day - timedelta(days=1)
        earlier = datetime.combine(start_day, quiet.start, tzinfo=zone) - timedelta(minutes=30)
        return earlier if earlier >= now else None
    return at


def reminder_key(case_ref: str, w: Wanted, channel: str) -> str:
    """Stable per case, reminder, channel and moment: the same reminder from a re-signed
    plan has the same key, so it is never sent twice."""
    raw = f"{case_ref}|{w.kind}|{w.drug or ''}|{channel}|{w.event_at.astimezone(UTC).isoformat()}"
    if w.note:  # two notes on one day are two messages; new words are a new message
        raw += "|" + w.note
    if w.doses:  # a dose moved is a new message
        raw += "|" + ",".join(f"{at.astimezone(UTC).isoformat()}={drug}" for at, drug in w.doses)
    return hashlib.sha256(raw.encode()).hexdigest()[:40]


def plan_reminders(
    case_ref: str, lines: list[Line], *, arrive: datetime, zone: ZoneInfo, recipient: Recipient,
    quiet: QuietHours, now: datetime,
) -> list[ReminderSpec]:
    specs = []
    for w in wanted(lines, arrive, zone):
        at = place(w.send_at, w.deadline, quiet, now)
        if at is None:
            continue
        for channel, to in recipient.channels():
            specs.append(ReminderSpec(
                key=reminder_key(case_ref, w, channel), kind=w.kind, drug=w.drug, channel=channel,
                to=to, language=recipient.language, send_at=at.astimezone(UTC), event_at=w.event_at,
                note=w.note, doses=w.doses,
            ))
    return sorted(specs, key=lambda s: (s.send_at, s.kind, s.channel))


def backoff(attempts: int) -> timedelta:
    """Wait before retry number `attempts` (1-based): 1, 5, 25 minutes, then 2 hours."""
    return timedelta(minutes=min(5 ** (attempts - 1), 120))
