"""The bone-health (fracture liaison) track of a treated patient, REFERENCE §13a.

The step names are our own: the Own the Bone measure names are UNVERIFIED, so we claim
no equivalence with them."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Step(models.TextChoices):
    DXA_REFERRAL = "dxa_referral", "Bone density scan (DXA) referral made"
    TREATMENT_DISCUSSED = "treatment_discussed", "Osteoporosis treatment discussed with the patient"
    TREATMENT_STARTED = "treatment_started", "Osteoporosis drug treatment started"
    CALCIUM_VITAMIN_D = "calcium_vitamin_d", "Calcium and vitamin D advised"
    FALLS_ASSESSMENT = "falls_assessment", "Falls risk assessed"
    PCP_LETTER = "pcp_letter", "Letter sent to the primary-care physician"


class StepState(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DECLINED = "declined", "Patient declined"


class FractureGrade(models.TextChoices):
    UNKNOWN = "unknown", "Not recorded"
    MILD = "1", "Grade 1 (mild, 20–25% height loss)"
    MODERATE = "2", "Grade 2 (moderate, 25–40%)"
    SEVERE = "3", "Grade 3 (severe, over 40%)"


class LiaisonTrack(models.Model):
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="liaison")
    opened_at = models.DateTimeField()
    procedure_at = models.DateTimeField()
    grade = models.CharField(max_length=8, choices=FractureGrade.choices, default=FractureGrade.UNKNOWN)
    pcp_name = models.CharField(max_length=200, blank=True)
    next_reminder_at = models.DateTimeField(null=True, blank=True, db_index=True)

    def __str__(self) -> str:
        return f"bone-health track of {self.case_id}"


class LiaisonStep(models.Model):
    track = models.ForeignKey(LiaisonTrack, on_delete=models.PROTECT, related_name="steps")
    step = models.CharField(max_length=20, choices=Step.choices)
    state = models.CharField(max_length=8, choices=StepState.choices, default=StepState.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["track", "step"], name="liaison_step_once")]
        indexes = [models.Index(fields=["step", "state"])]

    def __str__(self) -> str:
        return f"{self.step} ({self.state})"


class LetterKind(models.TextChoices):
    REQUEST = "request", "Fracture found: open bone-health steps asked for, done ones reported"
    DECLINED = "declined", "Patient declined osteoporosis treatment"


class Letter(models.Model):
    track = models.ForeignKey(LiaisonTrack, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(max_length=8, choices=LetterKind.choices)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} letter for {self.track_id}"
