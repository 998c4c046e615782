"""Reading and changing the practice's clinical policy.

`current_policy()` is what `plans.services.facts_for` uses; `change_policy` is
the one way to change it (practice admin only, with a reason, audited in the
same transaction as the new version row).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.cases.config import get_config
from kyphoplan.cases.roles import has_role
from kyphoplan.clinical.facts import Policies
from kyphoplan.policy.models import ClinicalPolicy
from kyphoplan.staff.roles import Role

OBJECT_TYPE = "clinicalpolicy"
ADMINS = frozenset({Role.ADMIN})
POLICY_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Policies))
ALL_FIELDS: tuple[str, ...] = ("protocol", *POLICY_FIELDS)


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, StrEnum) else value


ENGINE_DEFAULTS: dict[str, Any] = {name: _plain(value) for name, value in asdict(Policies()).items()}


def is_policy_admin(user: Any) -> bool:
    return has_role(user, ADMINS)


def require_admin(user: Any, *, ip: str | None, what: str) -> None:
    if not is_policy_admin(user):
        record(user, Action.DENIED, ip=ip, object_type=OBJECT_TYPE, detail={"tried": what})
        raise PermissionDenied


def latest() -> ClinicalPolicy | None:
    return ClinicalPolicy.objects.order_by("-changed_at", "-id").first()


def current_values() -> dict[str, Any]:
    """Every setting as it applies now: the newest version, else the defaults."""
    row = latest()
    if row is None:
        return {"protocol": get_config().protocol, **ENGINE_DEFAULTS}
    return {name: getattr(row, name) for name in ALL_FIELDS}


def current_policy() -> tuple[str, dict[str, Any]]:
    """(protocol, policies) for the facts JSON.

    `policies` holds only the settings that differ from the engine's defaults, so
    with no change (or a change back to the defaults) the facts are exactly what
    they were before this setting existed and no plan gets a new version for it.
    """
    values = current_values()
    overrides = {name: values[name] for name in POLICY_FIELDS if values[name] != ENGINE_DEFAULTS[name]}
    return values["protocol"], overrides


def change_policy(
    acting_user: Any, *, values: dict[str, Any], reason: str, ip: str | None, now: datetime
) -> ClinicalPolicy:
    """Add a new version. Settings missing from `values` keep their current value.

    Raises PermissionDenied (not a practice admin; audited), ValueError (no reason
    or an unknown setting) or django ValidationError (a value the engine would refuse)."""
    require_admin(acting_user, ip=ip, what="change clinical policy")
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("a reason is required")
    unknown = set(values) - set(ALL_FIELDS)
    if unknown:
        raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
    before = current_values()
    after = {**before, **{k: _plain(v) for k, v in values.items()}}
    row = ClinicalPolicy(**after, changed_by=acting_user, changed_at=now, reason=reason)
    row.full_clean()
    with transaction.atomic():
        row.save()
        changed = {k: [before[k], after[k]] for k in ALL_FIELDS if before[k] != after[k]}
        record(acting_user, Action.UPDATE, ip=ip, object_type=OBJECT_TYPE, object_id=row.pk, at=now,
               detail={"changed": changed, "reason": reason})
    return row


@dataclass(frozen=True)
class Explained:
    name: str
    label: str
    value: Any
    meaning: str
    source: str
    is_default: bool


LABELS = {
    "protocol": "Rule set",
    "range_bound": "Range bound",
    "fasting": "Fasting",
    "glp1": "GLP-1 agonists",
    "metformin": "Metformin and contrast",
    "contrast": "Contrast allergy",
    "consult_lead_days": "Ask the prescriber",
    "radiologist_notice_days": "Tell the radiologist",
}

SOURCES = {
    "protocol": "REFERENCE §4–5",
    "range_bound": "REFERENCE §6",
    "fasting": "REFERENCE §10",
    "glp1": "REFERENCE §7",
    "metformin": "REFERENCE §9",
    "contrast": "REFERENCE §8",
    "consult_lead_days": "source document: a week before; REFERENCE §4 (prescriber decides)",
    "radiologist_notice_days": "REFERENCE §8 (source document)",
}

MEANINGS: dict[str, dict[str, str]] = {
    "protocol": {
        "sir-2019": "SIR 2019, high bleeding risk (default rule set)",
        "asra-2018": "ASRA 2018, high-risk pain procedures",
        "strictest": "the longer hold of SIR 2019 and ASRA 2018 for each drug",
    },
    "range_bound": {
        "upper": "plan 3–5 days as 5 (default)",
        "lower": "plan 3–5 days as 3",
    },
    "fasting": {
        "midnight": "nothing to eat or drink after midnight (source document, default)",
        "asa-2017-2023": "ASA: solids 6–8 h, clear liquids 2 h",
    },
    "glp1": {
        "multisociety-2024": "continue; clear liquids 24 h and a flag if high aspiration risk (default)",
        "asa-2023": "ASA 2023: hold daily agents on the day, weekly agents 7 days before",
    },
    "metformin": {
        "acr": "ACR: hold only at eGFR < 30 or acute kidney injury (default)",
        "fda-2016": "FDA 2016: also hold at eGFR 30–60, liver disease, alcohol, heart failure",
    },
    "contrast": {
        "acr-manual": "propose the ACR elective premedication for the radiologist (default)",
        "acr-aaaai-2025": "ACR/AAAAI 2025: no premedication after a mild reaction",
    },
}


def explain(values: dict[str, Any]) -> list[Explained]:
    """One line per setting: what it means and where it comes from."""
    out = []
    for name in ALL_FIELDS:
        value = values[name]
        if name in MEANINGS:
            meaning = MEANINGS[name].get(str(value), "")
        else:
            meaning = f"{value} days before the procedure"
        default = get_config().protocol if name == "protocol" else ENGINE_DEFAULTS[name]
        out.append(Explained(name=name, label=LABELS[name], value=value, meaning=meaning, source=SOURCES[name],
                             is_default=value == default))
    return out
