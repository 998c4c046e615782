"""Which reminders a signed plan and a booking call for, and when. Pure: `now` is passed in.

Rules (practice defaults, see docs/pathway.md):
- consult the prescriber: 10:00, at least a day before the plan's consult date
  (itself at least a week before the procedure), so there is time to call;
- each last-dose day: that morning, 09:00 ("today is the last day of ...");
- fasting: the evening before it starts, 18:00;
- arrival: the morning of the procedure, two hours before arrival;
- a clinician's own dated instruction (a line they replaced or added): 09:00 that day, or
  the last 09:00 before it, with their words.
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
    note: str = ""  # a clinician's words, for CARE_TEAM


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


def _at(day: date, clock: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=zone)


def _latest(clock: time, not_after: datetime, zone: ZoneInfo) -> datetime:
    """The last local `clock` time at or before `not_after`."""
    local = not_after.astimezone(zone)
    candidate = _at(local.date(), clock, zone)
    return candidate if candidate <= local else _at(local.date() - timedelta(days=1), clock, zone)


def wanted(lines: list[Line], arrive: datetime, zone: ZoneInfo) -> list[Wanted]:
    out: list[Wanted] = []
    seen: set[tuple[str, str | None]] = set()
    for ln in lines:
        if ln.audience != "patient" or ln.due is None:
            continue
        due = ln.due.astimezone(zone)
        if ln.code == "consult-prescriber" and (Kind.CONSULT, None) not in seen:
            seen.add((Kind.CONSULT, None))  # one call to the prescriber covers every medicine
            at = _latest(time(10, 0), due - timedelta(days=1), zone)
            out.append(Wanted(Kind.CONSULT, None, at, due, due))
        elif ln.code == "stop-medication" and (Kind.LAST_DOSE, ln.drug) not in seen:
            seen.add((Kind.LAST_DOSE, ln.drug))
            last = ln.last_dose_date or (due - timedelta(days=1)).date()
            morning = _at(last, time(9, 0), zone)
            out.append(Wanted(Kind.LAST_DOSE, ln.drug, morning, _at(last, time(20, 0), zone), morning))
        elif ln.code == CLINICIAN_INSTRUCTION:
            if ln.last_dose_date is not None:  # a replaced last-dose line: that whole day
                event = _at(ln.last_dose_date, time(9, 0), zone)
                out.append(Wanted(Kind.CARE_TEAM, ln.drug, event, _at(ln.last_dose_date, time(20, 0), zone),
                                  event, ln.text))
            else:
                at = _latest(time(9, 0), due, zone)
                out.append(Wanted(Kind.CARE_TEAM, ln.drug, at, max(due, at + timedelta(hours=1)), due, ln.text))
        elif ln.code == "fasting-start" and (Kind.FASTING, None) not in seen:
            seen.add((Kind.FASTING, None))
            evening = _latest(time(18, 0), due - timedelta(hours=2), zone)
            out.append(Wanted(Kind.FASTING, None, evening, due, due))
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
                note=w.note,
            ))
    return sorted(specs, key=lambda s: (s.send_at, s.kind, s.channel))


def backoff(attempts: int) -> timedelta:
    """Wait before retry number `attempts` (1-based): 1, 5, 25 minutes, then 2 hours."""
    return timedelta(minutes=min(5 ** (attempts - 1), 120))
