"""The bone-health risk check on the public site. Education, not diagnosis. Pure.

OST (Osteoporosis Self-assessment Tool) = 0.2 × (weight in kg − age in years),
truncated to a whole number. Cut-offs (see shared/clinical/REFERENCE.md §13):
- women below −4: high risk — Koh LK et al., Osteoporos Int 2001;12:699–705;
- women below 2 and men below 4: worth asking about a bone density test — a
  practice policy taken from later screening studies (REFERENCE.md §13).
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _

LB_PER_KG = Decimal("2.20462")


class RiskFactor(models.TextChoices):
    FEMALE = "female", _("I am a woman")
    SMALL_FRAME = "small_frame", _("I am thin or have a small body frame")
    OLDER = "older", _("I am older (past 50)")
    FAMILY = "family", _("Someone in my family has weak bones (osteoporosis)")
    MENOPAUSE = "menopause", _("I have gone through menopause")
    NO_PERIODS = "no_periods", _("My periods stopped when they should not have")
    EATING = "eating", _("I have had anorexia or bulimia")
    LOW_CALCIUM = "low_calcium", _("I get little calcium (milk, cheese, greens)")
    STEROIDS = "steroids", _("I have taken steroid pills or seizure medicine for a long time")
    INACTIVE = "inactive", _("I do not get much exercise")
    SMOKING = "smoking", _("I smoke")
    ALCOHOL = "alcohol", _("I drink a lot of alcohol")


class Sex(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")


class OstBand(StrEnum):
    HIGH = "high"
    ASK_ABOUT_TEST = "ask"
    LOWER = "lower"


WOMEN_HIGH_BELOW = -4  # Koh 2001
WOMEN_SCREEN_BELOW = 2  # practice policy, REFERENCE.md §13
MEN_SCREEN_BELOW = 4  # practice policy, REFERENCE.md §13


def to_kg(weight: Decimal, unit: str) -> Decimal:
    return weight / LB_PER_KG if unit == "lb" else weight


def ost_score(age_years: int, weight_kg: Decimal) -> int:
    # Decimal keeps 0.2 × (55 − 75) at exactly −4, where binary floats give −4.000…1.
    return int((Decimal(weight_kg) - Decimal(age_years)) * Decimal("0.2"))


def ost_band(score: int, sex: Sex) -> OstBand:
    if sex == Sex.WOMAN:
        if score < WOMEN_HIGH_BELOW:
            return OstBand.HIGH
        if score < WOMEN_SCREEN_BELOW:
            return OstBand.ASK_ABOUT_TEST
        return OstBand.LOWER
    return OstBand.ASK_ABOUT_TEST if score < MEN_SCREEN_BELOW else OstBand.LOWER
