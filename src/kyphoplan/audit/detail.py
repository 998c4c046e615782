"""An audit row's detail (a small JSON object of field names, counts and ids) in words."""

from __future__ import annotations

from typing import Any

from kyphoplan.audit.models import AuditEvent

LABELS = {
    "ids": "records", "count": "rows", "filter": "filters", "filters": "filters", "search": "searched",
    "page": "page", "first_page": "first page", "via": "through", "token": "token", "tried": "tried to",
    "status": "status", "fields": "fields changed", "attempt": "call outcome", "note": "note written",
    "assigned_to": "assigned to", "close_reason": "close reason", "up_to": "rows up to", "resend": "send again",
}
MAX_ITEMS = 5


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        shown = [_text(v) for v in value[:MAX_ITEMS]]
        more = len(value) - MAX_ITEMS
        return ", ".join(shown) + (f" and {more} more" if more > 0 else "") if value else "none"
    if isinstance(value, dict):
        return "; ".join(f"{LABELS.get(k, k.replace('_', ' '))}: {_text(v)}" for k, v in value.items())
    return str(value)


def describe(event: AuditEvent) -> list[tuple[str, str]]:
    """(label, text) pairs, in the order they were written: "records: 3 ids…", "status: new → attempted"."""
    out = []
    for key, value in (event.detail or {}).items():
        if key == "status" and isinstance(value, list) and len(value) == 2:
            text = f"{value[0]} → {value[1]}"
        elif key == "ids" and isinstance(value, list):
            text = f"{len(value)}: {_text(value)}"
        else:
            text = _text(value)
        out.append((LABELS.get(key, key.replace("_", " ")), text))
    return out
