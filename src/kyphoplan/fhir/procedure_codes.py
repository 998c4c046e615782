"""CPT codings for the planned levels (REFERENCE §1), for Appointment and ServiceRequest.

Pure. One CodeableConcept per code: each CPT code covers one vertebral body, so T12 + L1
is two concepts (22513 for the first, thoracic; 22515 for the add-on), never one fixed 22513.
With no codable plan the Appointment says so in text, without a code.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kyphoplan.clinical.coding import CPT_SYSTEM, CodingError, cpt_lines


def service_types(levels: Sequence[str]) -> list[dict[str, Any]]:
    try:
        lines = cpt_lines(levels)
    except CodingError as exc:
        return [{"text": f"Balloon kyphoplasty (not coded: {exc})"}]
    return [{"coding": [{"system": CPT_SYSTEM, "code": ln.code, "display": ln.text}],
             "text": f"Balloon kyphoplasty, {ln.level}"} for ln in lines]
