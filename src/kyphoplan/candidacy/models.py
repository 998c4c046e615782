"""Candidacy: per-level imaging, the case's payer facts and checklist, overrides, sign-offs,
and the practice's versions of the payer criteria.

`Candidacy.booking_blocked` is maintained by `candidacy.services` (an absolute
contraindication is present and not overridden); the database refuses an active booking
for a blocked case (trigger on booking_booking, migration 0002), so no path around the
service — a view, a script, a race — can book it. Overrides, sign-offs and payer-criteria
versions are append-only (ORM and database).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models

from kyphoplan.clinical.coding import Encounter, Osteoporosis


class AppendOnlyError(RuntimeError):
    pass


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("these rows are never changed; add a new one")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("these rows are never deleted")


class AppendOnly(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("these rows are never changed; add a new one")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("these rows are never deleted")


class Oedema(models.TextChoices):
    NOT_ASSESSED = "not_assessed", "Not assessed"
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_DONE = "not_done", "MRI not done"


class Finding(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_ASSESSED = "not_assessed", "Not assessed"


class CareSetting(models.TextChoices):
    OUTPATIENT = "outpatient", "Outpatient"
    INPATIENT = "inpatient", "Hospitalised"


def _choices(enum: Any, labels: dict[Any, str]) -> list[tuple[str, str]]:
    return [(m.value, labels[m]) for m in enum]


# The coding choices, shared by the model's fields and the staff form.
OSTEOPOROSIS_CHOICES = _choices(Osteoporosis, {
    Osteoporosis.AGE_RELATED: "Age-related (M80.08X-)",
    Osteoporosis.OTHER: "Other, e.g. drug-induced or steroids (M80.88X-)"})
ENCOUNTER_CHOICES = _choices(Encounter, {e: f"{e.value}: {e.name.replace('_', ' ').lower()}" for e in Encounter})


class Candidacy(models.Model):
    """The case's candidacy facts (one row per case), edited through the service."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="candidacy")
    # Payer criteria: who pays, and the facts they ask for (None = not documented).
    payer_record = models.CharField(max_length=60, blank=True)
    setting = models.CharField(max_length=10, choices=CareSetting.choices, blank=True)
    pain_nrs = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(10)])
    pain_worsening = models.BooleanField(null=True, blank=True)
    conservative_care_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    analgesic_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    exercise_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    conservative_care = models.TextField(blank=True, help_text="what was tried, for how long, and why it failed")
    rdq = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(24)])
    kyphosis = models.BooleanField(null=True, blank=True)
    bone_density_referral = models.BooleanField(null=True, blank=True)
    osteoporosis_education = models.BooleanField(null=True, blank=True)
    osteoporosis_programme = models.BooleanField(null=True, blank=True)
    # Coding.
    osteoporosis = models.CharField(max_length=12, default=Osteoporosis.AGE_RELATED, choices=OSTEOPOROSIS_CHOICES)
    encounter = models.CharField(max_length=1, default=Encounter.INITIAL, choices=ENCOUNTER_CHOICES)
    # The checklist: item id → present / absent / not_assessed (clinical.candidacy.Answer).
    answers = models.JSONField(default=dict, blank=True)
    # Maintained by the service; the database refuses an active booking while it is true.
    booking_blocked = models.BooleanField(default=False)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"candidacy of {self.case_id}"


class LevelAssessment(models.Model):
    """One vertebral level as read on the imaging; grade and shape are computed (clinical.grading)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="level_assessments")
    level = models.CharField(max_length=3)
    anterior_mm = models.DecimalField(max_digits=4, decimal_places=1)
    middle_mm = models.DecimalField(max_digits=4, decimal_places=1)
    posterior_mm = models.DecimalField(max_digits=4, decimal_places=1)
    reference_mm = models.DecimalField(max_digits=4, decimal_places=1)
    # Not assessed by default: an indication (acute fracture) is never confirmed by a default.
    oedema = models.CharField(max_length=12, choices=Oedema.choices, default=Oedema.NOT_ASSESSED)
    retropulsion = models.CharField(max_length=12, choices=Finding.choices, default=Finding.NOT_ASSESSED)
    fracture_age_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    pain_nrs = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(10)])
    # Stored copies of the computed values, for lists and the REST read; recomputed on every save.
    grade = models.PositiveSmallIntegerField()
    morphology = models.CharField(max_length=10)
    max_loss_percent = models.DecimalField(max_digits=4, decimal_places=1)
    vertebra_plana = models.BooleanField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "level"], name="candidacy_level_once")]

    def __str__(self) -> str:
        return f"{self.level} of {self.case_id}"


class ContraindicationOverride(AppendOnly):
    """A radiologist's decision to proceed despite an absolute contraindication."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="contraindication_overrides")
    item_id = models.CharField(max_length=60)
    reason = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.CheckConstraint(condition=~models.Q(reason=""), name="override_reason_required")]

    def __str__(self) -> str:
        return f"override {self.item_id} on {self.case_id}"


class ChecklistSignoff(AppendOnly):
    """The signed candidacy record: what the radiologist saw and signed, with the plan version
    current at the time. Never changed; a later signature is a new row."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="checklist_signoffs")
    plan_version = models.ForeignKey("plans.PlanVersion", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="checklist_signoffs")
    checklist_version = models.CharField(max_length=40)
    snapshot = models.JSONField()
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()

    class Meta:
        ordering = ["-signed_at", "-id"]

    def __str__(self) -> str:
        return f"checklist of {self.case_id} signed {self.signed_at:%Y-%m-%d %H:%M}"


class PayerCriteriaVersion(AppendOnly):
    """The practice's version of a payer's criteria record; the newest per record id applies,
    else the record shipped in kyphoplan.clinical.data.payers."""

    record_id = models.CharField(max_length=60, db_index=True)
    record = models.JSONField()
    reason = models.TextField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["-changed_at", "-id"]
        constraints = [models.CheckConstraint(condition=~models.Q(reason=""), name="payer_reason_required")]

    def __str__(self) -> str:
        return f"{self.record_id} ({self.changed_at:%Y-%m-%d})"
