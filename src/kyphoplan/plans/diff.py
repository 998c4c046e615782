"""What changed between two plans, for the clinician who signs the new one. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Change:
    kind: str  # "added", "removed", "changed"
    what: str  # "action", "flag", "medication", "procedure"
    key: str
    before: str = ""
    after: str = ""


def action_key(action: dict[str, Any]) -> str:
    return f"{action['code']}:{action.get('drug') or ''}"


def _action_summary(action: dict[str, Any]) -> str:
    due = action.get("due") or "no date"
    last = action.get("last_dose_date")
    return f"{due}" + (f" (last dose {last})" if last else "") + f": {action.get('text', '')}"


def _keyed(items: list[dict[str, Any]], key_fn: Any) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        out.setdefault(key_fn(item), []).append(item)
    return out


def diff_plans(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    changes: list[Change] = []
    if old.get("procedure", {}).get("start") != new.get("procedure", {}).get("start"):
        changes.append(Change("changed", "procedure", "start", old["procedure"]["start"], new["procedure"]["start"]))
    old_meds = [m["input"] for m in old.get("medications", [])]
    new_meds = [m["input"] for m in new.get("medications", [])]
    changes += [Change("removed", "medication", m, before=m) for m in old_meds if m not in new_meds]
    changes += [Change("added", "medication", m, after=m) for m in new_meds if m not in old_meds]
    a_old = _keyed(old.get("actions", []), action_key)
    a_new = _keyed(new.get("actions", []), action_key)
    for key in sorted(set(a_old) | set(a_new)):
        before = "; ".join(_action_summary(a) for a in a_old.get(key, []))
        after = "; ".join(_action_summary(a) for a in a_new.get(key, []))
        if key not in a_new:
            changes.append(Change("removed", "action", key, before=before))
        elif key not in a_old:
            changes.append(Change("added", "action", key, after=after))
        elif before != after:
            changes.append(Change("changed", "action", key, before, after))
    f_key = lambda f: f"{f['code']}:{f.get('drug') or f.get('input') or ''}"  # noqa: E731
    f_old, f_new = _keyed(old.get("flags", []), f_key), _keyed(new.get("flags", []), f_key)
    changes += [Change("removed", "flag", k, before=f_old[k][0]["text"]) for k in sorted(set(f_old) - set(f_new))]
    changes += [Change("added", "flag", k, after=f_new[k][0]["text"]) for k in sorted(set(f_new) - set(f_old))]
    return changes
