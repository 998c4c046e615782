"""The intake's answers as plain values: what the form stores and the plan's facts read.

Pure (no Django), so the plans app builds facts from them without the intake app
importing upward.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MedicineLine:
    text: str
    unsure: bool = False
    # Codings an EHR import gave ({"system", "code", "display"}): the engine reads a verified one first.
    codes: tuple[dict[str, str], ...] = ()


@dataclass(frozen=True)
class AllergyLine:
    substance: str
    reaction: str = ""


@dataclass(frozen=True)
class Answers:
    """The intake answers, as the form stores them."""

    medicines: tuple[MedicineLine, ...] = ()
    allergies: tuple[AllergyLine, ...] = ()
    diabetes: str = "unknown"  # none, type1, type2, other, unknown
    insulin: bool | None = None
    kidney: str = "unknown"  # no, yes, dialysis, unknown
    smoker: bool | None = None
    has_escort: bool | None = None
    weight_kg: float | None = None
    height_cm: float | None = None
    # "Why do you take this blood thinner?": the contract's `indications`, as stored.
    indications: tuple[dict[str, Any], ...] = ()
