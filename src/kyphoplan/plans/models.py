"""Plan versions and the clinician's overlays on them.

A version stores the facts JSON it was computed from, the contract JSON the
engine produced (both compressed, `fields.CompressedJSONField`; read back as the same
dicts) and the engine's rule-set version, so it can be replayed. Once
signed, a version and its overlays never change: the ORM refuses (save, delete,
queryset update/delete) and so does the database (triggers, migrations 0002 and 0004).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from kyphoplan.plans.fields import CompressedJSONField


class ImmutableError(RuntimeError):
    pass


class Reason(models.TextChoices):
    INTAKE = "intake", "Intake submitted"
    BOOKING = "booking", "Procedure booked or moved"
    CHANGE = "change", "Facts changed"
    RECOMPUTE = "recompute", "Recomputed by staff"
    AMEND = "amend", "Amended by a clinician"
    LABS = "labs", "Labs entered"


class VersionQuerySet(models.QuerySet["PlanVersion"]):
    def update(self, **kwargs: Any) -> int:
        if self.filter(signed_at__isnull=False).exists():
            raise ImmutableError("a signed plan version cannot be changed")
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableError("plan versions are never deleted")


class PlanVersion(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="plan_versions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=10, choices=Reason.choices)
    facts = CompressedJSONField()
    plan = CompressedJSONField()
    ruleset_version = models.CharField(max_length=200)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Why a clinician asked for this version (an amendment of a signed plan).
    note = models.CharField(max_length=500, blank=True)
    # Set with the signature, in the same UPDATE: every high flag (and every override that could
    # not be carried) the signer acknowledged, each {"code", "drug", "note", "by"}.
    acknowledged_flags = models.JSONField(default=list, blank=True)

    objects = VersionQuerySet.as_manager()

    class Meta:
        ordering = ["case", "-number"]
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="plan_version_number")]

    def __str__(self) -> str:
        return f"{self.case_id} v{self.number}"

    @property
    def signed(self) -> bool:
        return self.signed_at is not None

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            stored = PlanVersion.objects.filter(pk=self.pk).values_list("signed_at", flat=True).first()
            if stored is not None:
                raise ImmutableError("a signed plan version cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableError("plan versions are never deleted")


class OverlayKind(models.TextChoices):
    REPLACE = "replace", "Replaced a line"
    REMOVE = "remove", "Removed a line"
    ADD = "add", "Added an instruction"
    CHANGE = "change", "Replaced a line (older record)"  # rows written before "replace"


class OverlayQuerySet(models.QuerySet["PlanOverlay"]):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableError("overlays are never changed; add another one")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableError("overlays are never deleted")


class PlanOverlay(models.Model):
    """A clinician's override on one version: replace or remove the line named by its target
    (code, drug, occurrence — stable across re-plans), or add a line. Carried to each new
    version whose plan still has the target (`carried_from` names the original, whose
    author and reason it keeps); one whose target is gone is kept with `applies` False, so
    the clinician sees it instead of losing it."""

    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="overlays")
    kind = models.CharField(max_length=8, choices=OverlayKind.choices)
    action_index = models.PositiveIntegerField(null=True, blank=True)  # older rows only
    target_code = models.CharField(max_length=40, blank=True)
    target_drug = models.CharField(max_length=100, blank=True)
    target_occurrence = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=1000, blank=True)  # older rows only; new rows use texts
    texts = models.JSONField(default=dict, blank=True)  # language → text
    carried_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    applies = models.BooleanField(default=True)
    due = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=500)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    objects = OverlayQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.version}"

    def shown_text(self) -> str:
        """The clinician's words, for staff pages: any language they wrote it in."""
        return next((t for t in (self.texts or {}).values() if t), self.text)

    def save(self, *args: Any, **kwargs: Any) -> None:
        saved_pk: int | None = self.pk  # None until the first save (the stubs say int)
        if saved_pk is not None:
            raise ImmutableError("overlays are never changed; add another one")
        if PlanVersion.objects.filter(pk=self.version_id, signed_at__isnull=False).exists():
            raise ImmutableError("a signed plan version cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableError("overlays are never deleted")
