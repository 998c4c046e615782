"""Vertebral height loss and the Genant semiquantitative grade (REFERENCE §13, [GENANT]).

Pure: heights in, grade out. Heights are millimetres as decimal strings or numbers;
arithmetic is exact (Fraction), so a loss of exactly 20 % or 25 % lands on the
boundary the source names, never a float's neighbour of it.

Boundaries (the source: "0 < 20%; 1 mild 20–25%; 2 moderate 25–40%; 3 severe > 40%"):
grade 3 is strictly above 40 %, so 40 % itself is moderate; read the same way,
each band includes its upper bound: mild is 20–25 % inclusive, moderate above 25 %
up to 40 % inclusive. This also matches the Medicare criterion "height loss > 25 %".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import IntEnum, StrEnum
from fractions import Fraction

SOURCE = "GENANT"


class GradingError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class Grade(IntEnum):
    NORMAL = 0
    MILD = 1
    MODERATE = 2
    SEVERE = 3

    @property
    def label(self) -> str:
        return {0: "grade 0 (no fracture)", 1: "grade 1 (mild)", 2: "grade 2 (moderate)",
                3: "grade 3 (severe)"}[self.value]


class Morphology(StrEnum):
    NONE = "none"
    WEDGE = "wedge"          # anterior height lost most
    BICONCAVE = "biconcave"  # middle height lost most
    CRUSH = "crush"          # the whole body, posterior wall included


# REFERENCE §13 thresholds (percent height loss).
MILD_FROM = Fraction(20)
MILD_TO = Fraction(25)
MODERATE_TO = Fraction(40)
# REFERENCE §12: vertebra plana is "> 65–70 % collapse"; the sources differ, so the flag
# is raised from the lower figure (a relative contraindication for the radiologist to weigh).
PLANA_OVER = Fraction(65)


def _mm(field: str, value: object) -> Fraction:
    if isinstance(value, bool) or value is None:
        raise GradingError(field, "a height in millimetres is required")
    try:
        number = Fraction(Decimal(str(value).strip()))
    except (InvalidOperation, ValueError):
        raise GradingError(field, f"not a number: {value!r}") from None
    if number <= 0 or number > 100:
        raise GradingError(field, "a vertebral height is more than 0 and at most 100 mm")
    return number


@dataclass(frozen=True)
class Heights:
    """Measured heights of one vertebral body and the reference (expected) height, mm."""

    anterior: Fraction
    middle: Fraction
    posterior: Fraction
    reference: Fraction

    @classmethod
    def of(cls, anterior: object, middle: object, posterior: object, reference: object) -> Heights:
        heights = cls(_mm("anterior", anterior), _mm("middle", middle), _mm("posterior", posterior),
                      _mm("reference", reference))
        for name in ("anterior", "middle", "posterior"):
            if getattr(heights, name) > heights.reference * 2:
                raise GradingError(name, "more than twice the reference height: check the entry")
        return heights


def loss_percent(measured: Fraction, reference: Fraction) -> Fraction:
    """Height loss as a percentage of the reference; a height above the reference is no loss."""
    return max(Fraction(0), (reference - measured) / reference * 100)


def grade_for(loss: Fraction) -> Grade:
    if loss < MILD_FROM:
        return Grade.NORMAL
    if loss <= MILD_TO:
        return Grade.MILD
    if loss <= MODERATE_TO:
        return Grade.MODERATE
    return Grade.SEVERE


@dataclass(frozen=True)
class Assessment:
    anterior_loss: Fraction
    middle_loss: Fraction
    posterior_loss: Fraction
    grade: Grade
    morphology: Morphology
    vertebra_plana: bool

    @property
    def max_loss(self) -> Fraction:
        return max(self.anterior_loss, self.middle_loss, self.posterior_loss)


def one_decimal(value: Fraction) -> str:
    """A non-negative percentage to one decimal, half up: 100/3 → "33.3"."""
    tenths = math.floor(value * 10 + Fraction(1, 2))
    return f"{tenths // 10}.{tenths % 10}"


def morphology_for(anterior: Fraction, middle: Fraction, posterior: Fraction) -> Morphology:
    """The shape named by where the height is lost ([GENANT]: wedge = anterior,
    biconcave = middle, crush = whole body). A posterior loss reaching the deformity
    threshold means the whole body has collapsed (crush); otherwise the larger of the
    anterior and middle losses names the shape (a tie reads as wedge)."""
    if max(anterior, middle, posterior) < MILD_FROM:
        return Morphology.NONE
    if posterior >= MILD_FROM:
        return Morphology.CRUSH
    return Morphology.BICONCAVE if middle > anterior else Morphology.WEDGE


def assess(heights: Heights) -> Assessment:
    a = loss_percent(heights.anterior, heights.reference)
    m = loss_percent(heights.middle, heights.reference)
    p = loss_percent(heights.posterior, heights.reference)
    worst = max(a, m, p)
    return Assessment(anterior_loss=a, middle_loss=m, posterior_loss=p, grade=grade_for(worst),
                      morphology=morphology_for(a, m, p), vertebra_plana=worst > PLANA_OVER)
