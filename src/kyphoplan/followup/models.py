"""Follow-up after the procedure: one FollowUp per treated case, its check-ins, the
complications staff record, and the alerts that put a patient on the nurse's call list."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kyphoplan.followup.timepoints import TimePoint


class FollowUp(models.Model):
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="followup")
    procedure_at = models.DateTimeField()
    levels = models.PositiveSmallIntegerField()
    # The patient's own zone for sending windows; the practice's unless staff set another.
    zone = models.CharField(max_length=64)
    # Days from the call-back request to the procedure, as counted in the dashboard's tally.
    callback_wait_days = models.FloatField(null=True, blank=True)
    started_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"follow-up of {self.case_id}"


class CheckInStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Not yet sent"
    SENT = "sent", "Sent, waiting for an answer"
    ANSWERED = "answered", "Answered"
    MISSED = "missed", "Not answered in time"
    NO_CHANNEL = "no_channel", "No way to send it (no consent, email or phone)"
    CANCELLED = "cancelled", "Cancelled"


class CheckIn(models.Model):
    followup = models.ForeignKey(FollowUp, on_delete=models.PROTECT, related_name="checkins")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="checkins")
    timepoint = models.CharField(max_length=8, choices=TimePoint.choices)
    due_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=CheckInStatus.choices, default=CheckInStatus.SCHEDULED)
    channel = models.CharField(max_length=6, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=2, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    scores = models.JSONField(default=dict, blank=True)
    # Denormalised at answer time so the dashboard aggregates one indexed table.
    pain_now = models.PositiveSmallIntegerField(null=True, blank=True)
    pain_change = models.SmallIntegerField(null=True, blank=True)  # baseline − now: positive is better
    reached_mcid = models.BooleanField(null=True, blank=True)
    bed_days_change = models.SmallIntegerField(null=True, blank=True)  # baseline − now: positive is better
    red_flags = models.JSONField(default=list, blank=True)
    called_at = models.DateTimeField(null=True, blank=True)
    called_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "timepoint"], name="checkin_once_per_point")]
        indexes = [
            models.Index(fields=["status", "due_at"], name="checkin_status_due"),
            # Covers the dashboard's GROUP BY: the aggregate never touches the table rows.
            models.Index(fields=["status", "timepoint", "pain_change", "reached_mcid"], name="checkin_outcome"),
            models.Index(fields=["status", "timepoint", "bed_days_change"], name="checkin_bed_days"),
        ]

    def __str__(self) -> str:
        return f"{self.timepoint} check-in of {self.case_id} ({self.status})"


class ComplicationKind(models.TextChoices):
    CEMENT_LEAKAGE = "cement_leakage", "Cement leakage"
    NEW_FRACTURE = "new_fracture", "New vertebral fracture"
    INFECTION = "infection", "Infection"
    READMISSION = "readmission", "Readmission"


class Complication(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="complications")
    kind = models.CharField(max_length=16, choices=ComplicationKind.choices)
    occurred_on = models.DateField()
    note = models.CharField(max_length=500, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["kind", "occurred_on"])]

    def __str__(self) -> str:
        return f"{self.kind} on {self.occurred_on}"


class StaffAlert(models.Model):
    """A patient who needs a call: raised at once by a red-flag answer."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="followup_alerts")
    checkin = models.ForeignKey(CheckIn, null=True, blank=True, on_delete=models.PROTECT, related_name="alerts")
    reasons = models.JSONField(default=list)
    raised_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    resolution = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["resolved_at", "raised_at"])]

    def __str__(self) -> str:
        return f"alert for {self.case_id} at {self.raised_at:%Y-%m-%d %H:%M}"
