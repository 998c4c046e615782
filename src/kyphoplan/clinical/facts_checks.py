"""The checks `parse_facts` is made of: each raises `FactsError` naming the field."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

E = TypeVar("E", bound=StrEnum)
# Every date the engine computes (weeks before, a year after) stays representable.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2200


class FactsError(ValueError):
    """Invalid patient facts. `field` is the dotted path of the offending field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def check_object(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise FactsError(path, "must be an object")
    return value


def check_no_unknown(obj: Mapping[str, Any], allowed: set[str] | tuple[str, ...], path: str) -> None:
    for key in obj:
        if key not in allowed:
            name = key if isinstance(key, str) and key.isprintable() and key else repr(key)
            where = f"{path}.{name}" if path else name
            raise FactsError(where, "unknown field (check the spelling)")


def check_datetime(value: Any, path: str) -> datetime:
    if not isinstance(value, str):
        raise FactsError(path, "must be an ISO 8601 date-time string with a UTC offset")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise FactsError(path, f"not a valid ISO 8601 date-time: {value!r}") from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise FactsError(path, "needs a UTC offset, for example 2026-12-14T08:00:00-08:00")
    if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
        raise FactsError(path, f"year {parsed.year} is outside {EARLIEST_YEAR}-{LATEST_YEAR}")
    return parsed


def check_number(value: Any, path: str, bounds: tuple[float, float]) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FactsError(path, "must be a number")
    low, high = bounds
    if not low <= value <= high:
        raise FactsError(path, f"impossible value {value} (expected {low:g} to {high:g})")
    return float(value)


def check_choice(enum: type[E], value: Any, path: str) -> E:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise FactsError(path, f"must be one of: {allowed}") from None


def check_bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise FactsError(path, "must be true or false")
    return value
