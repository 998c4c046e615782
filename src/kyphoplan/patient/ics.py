"""The plan as an iCalendar file: one event with an alarm per action, in the practice's zone.

Times carry a TZID and a VTIMEZONE, so calendars show the right local time on
both sides of a daylight-saving change.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event

from kyphoplan.patient.checklist import Day

EVENT_LENGTH = timedelta(minutes=15)
EVENING = 20  # an alarm for an early-morning action rings at 8 PM the day before


def _uid(case_ref: str, item_at: datetime, code: str, text: str) -> str:
    raw = f"{case_ref}|{item_at.isoformat()}|{code}|{text}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32] + "@kyphoplan"


def _trigger(at: datetime) -> timedelta:
    if at.hour >= 8:
        return timedelta(hours=-1)
    evening = datetime.combine(at.date() - timedelta(days=1), datetime.min.time(), tzinfo=at.tzinfo)
    evening = evening.replace(hour=EVENING)
    return -(at - evening)


def calendar(days: list[Day], *, case_ref: str, zone: ZoneInfo, practice: str, stamp: datetime) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//kyphoplan//patient plan//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", practice)
    cal.add("x-wr-timezone", zone.key)
    for day in days:
        for item in day.items:
            if item.at is None:
                continue
            at = item.at.astimezone(zone)
            ev = Event()
            ev.add("uid", _uid(case_ref, at, item.code, item.text))
            ev.add("dtstamp", stamp)
            ev.add("summary", item.summary)
            ev.add("description", item.text)
            if item.location:
                ev.add("location", item.location)
            if item.clock:
                ev.add("dtstart", at)
                # The visit's events last as long as the booking says (arrival to going home,
                # the procedure in the room); a reminder to act is a short event.
                ev.add("dtend", item.until.astimezone(zone) if item.until and item.until > at else at + EVENT_LENGTH)
            else:
                ev.add("dtstart", at.date())
                ev.add("dtend", at.date() + timedelta(days=1))
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", item.summary)
            alarm.add("trigger", _trigger(at) if item.clock else timedelta(hours=9))
            ev.add_component(alarm)
            cal.add_component(ev)
    cal.add_missing_timezones()
    # icalendar leaves to_ical() unannotated (Any); it returns the file's bytes.
    return cast(bytes, cal.to_ical())
