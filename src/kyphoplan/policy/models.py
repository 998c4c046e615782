"""Clinical-policy versions: one row per change, never edited or deleted.

The current policy is the newest row; with no row the engine's defaults apply
and the protocol comes from KYPHOPLAN_PROTOCOL (as before this setting existed).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from kyphoplan.clinical.facts import ContrastPolicy, FastingPolicy, Glp1Policy, MetforminPolicy, RangeBound
from kyphoplan.clinical.model import Protocol

# The engine accepts whole days 1..60 for the two notice fields (clinical/facts.py `_policies`).
MIN_DAYS, MAX_DAYS = 1, 60


class AppendOnlyError(RuntimeError):
    """A clinical-policy version was about to be changed or deleted."""


def choices(enum: type[StrEnum]) -> list[tuple[str, str]]:
    """Model choices mirroring an engine enum: stored value = the engine's value."""
    return [(member.value, member.value) for member in enum]


class PolicyQuerySet(models.QuerySet["ClinicalPolicy"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("clinical-policy versions are never changed; add a new one")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("clinical-policy versions are never deleted")


class ClinicalPolicy(models.Model):
    protocol = models.CharField(max_length=20, choices=choices(Protocol))
    range_bound = models.CharField(max_length=20, choices=choices(RangeBound))
    fasting = models.CharField(max_length=30, choices=choices(FastingPolicy))
    glp1 = models.CharField(max_length=30, choices=choices(Glp1Policy))
    metformin = models.CharField(max_length=30, choices=choices(MetforminPolicy))
    contrast = models.CharField(max_length=30, choices=choices(ContrastPolicy))
    consult_lead_days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(MIN_DAYS), MaxValueValidator(MAX_DAYS)]
    )
    radiologist_notice_days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(MIN_DAYS), MaxValueValidator(MAX_DAYS)]
    )
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(db_index=True)
    reason = models.TextField()

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at", "-id"]
        get_latest_by = ["changed_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="policy_reason_required"),
            models.CheckConstraint(
                condition=models.Q(consult_lead_days__gte=MIN_DAYS, consult_lead_days__lte=MAX_DAYS)
                & models.Q(radiologist_notice_days__gte=MIN_DAYS, radiologist_notice_days__lte=MAX_DAYS),
                name="policy_days_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"clinical policy {self.pk} ({self.changed_at:%Y-%m-%d})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("clinical-policy versions are never changed; add a new one")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("clinical-policy versions are never deleted")
