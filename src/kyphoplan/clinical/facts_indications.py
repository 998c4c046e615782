"""The contract's `indications` input (plan-contract.md, REFERENCE.md §4a), validated."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from kyphoplan.clinical.facts_checks import (
    FactsError,
    check_bool,
    check_choice,
    check_no_unknown,
    check_number,
    check_object,
)
from kyphoplan.clinical.indications import (
    Indication,
    IndicationKind,
    StentType,
    ValvePosition,
    ValveType,
)

# Per kind, the fields an `indications` entry may carry (plan-contract.md).
_INDICATION_FIELDS: dict[IndicationKind, tuple[str, ...]] = {
    IndicationKind.CORONARY_STENT: ("stent", "date"),
    IndicationKind.MECHANICAL_VALVE: ("position", "valve_type"),
    IndicationKind.ATRIAL_FIBRILLATION: ("cha2ds2_vasc", "chads2", "rheumatic"),
    IndicationKind.STROKE_OR_TIA: ("date",),
    IndicationKind.VTE: ("date",),
    IndicationKind.THROMBOPHILIA: ("severe",),
}


def _date(value: Any, path: str, as_of: datetime) -> date | None:
    if value is None:
        return None  # "dates may be missing (unknown)"
    if not isinstance(value, str):
        raise FactsError(path, "must be a date such as 2026-10-20")
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise FactsError(path, f"not a valid date (YYYY-MM-DD): {value!r}") from None
    if parsed > as_of.date():
        raise FactsError(path, "is after as_of (a past event needs a past date)")
    return parsed


def _indication(raw: Any, path: str, as_of: datetime) -> Indication:
    obj = check_object(raw, path)
    if "kind" not in obj:
        raise FactsError(f"{path}.kind", "is required")
    kind = check_choice(IndicationKind, obj["kind"], f"{path}.kind")
    check_no_unknown(obj, ("kind", *_INDICATION_FIELDS[kind]), path)
    values: dict[str, Any] = {}
    if "date" in obj:
        values["date"] = _date(obj["date"], f"{path}.date", as_of)
    if "stent" in obj:
        values["stent"] = check_choice(StentType, obj["stent"], f"{path}.stent")
    elif kind is IndicationKind.CORONARY_STENT:
        values["stent"] = StentType.UNKNOWN
    if "position" in obj:
        values["position"] = check_choice(ValvePosition, obj["position"], f"{path}.position")
    elif kind is IndicationKind.MECHANICAL_VALVE:
        values["position"] = ValvePosition.UNKNOWN
    if "valve_type" in obj:
        values["valve_type"] = check_choice(ValveType, obj["valve_type"], f"{path}.valve_type")
    elif kind is IndicationKind.MECHANICAL_VALVE:
        values["valve_type"] = ValveType.UNKNOWN
    for name, bounds in (("cha2ds2_vasc", (0, 9)), ("chads2", (0, 6))):
        if obj.get(name) is not None:
            number = check_number(obj[name], f"{path}.{name}", bounds)
            if not number.is_integer():
                raise FactsError(f"{path}.{name}", "must be a whole number")
            values[name] = int(number)
    for name in ("rheumatic", "severe"):
        if obj.get(name) is not None:
            values[name] = check_bool(obj[name], f"{path}.{name}")
    return Indication(kind=kind, origin="facts", **values)


def parse_indications(raw: Any, as_of: datetime) -> tuple[Indication, ...]:
    if not isinstance(raw, list):
        raise FactsError("indications", 'must be a list such as [{"kind": "coronary-stent"}]')
    return tuple(_indication(item, f"indications[{index}]", as_of) for index, item in enumerate(raw))
