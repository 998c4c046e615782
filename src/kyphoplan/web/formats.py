"""Dates and numbers as people read them.

Patients: the date in words in their language ("June 1, 2026", "1 de junio de 2026"), a
number without a trailing ".0" ("150 pounds"). Staff: one format for every date ("Wed 25 Nov
2026") and every date with a time ("Wed 25 Nov 2026, 08:00"), in practice time. Text that
holds an ISO date or instant (the engine's facts and actions) is read first."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.utils import dateformat, timezone
from django.utils.translation import get_language

STAFF_DATE = "D j M Y"
STAFF_DATETIME = "D j M Y, H:i"
_PATIENT_DATE = {"en": "F j, Y", "es": r"j \d\e F \d\e Y"}

When = date | datetime | str | None


def _parse(value: When) -> date | datetime | None:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError:
            return None
    return value


def _local(value: date | datetime) -> date | datetime:
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)  # the current zone: the practice's (PracticeTimeZoneMiddleware)
    return value


def patient_date(value: When) -> str:
    """A day in words, with the year, in the active language."""
    day = _parse(value)
    if day is None:
        return "" if value is None else str(value)
    language = (get_language() or "en")[:2]
    return dateformat.format(_local(day), _PATIENT_DATE.get(language, _PATIENT_DATE["en"]))


def staff_date(value: When) -> str:
    day = _parse(value)
    return ("" if value is None else str(value)) if day is None else dateformat.format(_local(day), STAFF_DATE)


def staff_datetime(value: When) -> str:
    moment = _parse(value)
    if moment is None:
        return "" if value is None else str(value)
    return dateformat.format(_local(moment), STAFF_DATETIME if isinstance(moment, datetime) else STAFF_DATE)


def plain_number(value: Decimal | float | int) -> str:
    """150.0 → "150", 62.50 → "62.5": the number as the patient typed it (the form takes a point)."""
    number = Decimal(str(value))
    return f"{number.quantize(Decimal(1))}" if number == number.to_integral_value() else f"{number.normalize():f}"
