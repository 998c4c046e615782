"""Cases and the patient links that open their intake and plan pages."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models

from kyphoplan.cases.workflow import CancelReason, CaseStatus
from kyphoplan.web.textsearch import search_text


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    SPANISH = "es", "Spanish"


class Sedation(models.TextChoices):
    MODERATE = "moderate", "Moderate sedation"
    DEEP = "deep", "Deep sedation"
    GENERAL = "general", "General anaesthesia"
    LOCAL = "local", "Local only"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Not recorded"


class Case(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=14, unique=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    callback = models.OneToOneField(
        "callbacks.CallbackRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="case"
    )

    patient_name = models.CharField(max_length=120)
    phone_e164 = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ENGLISH)
    birth_date = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)

    referring_clinician = models.CharField(max_length=200, blank=True)
    referral_reason = models.CharField(max_length=500, blank=True)
    imaging_levels = models.JSONField(default=list, blank=True)
    mri_edema = models.BooleanField(null=True, blank=True)
    imaging_date = models.DateField(null=True, blank=True)
    levels_to_treat = models.JSONField(default=list, blank=True)
    sedation = models.CharField(max_length=10, choices=Sedation.choices, default=Sedation.MODERATE)
    # Entered by a clinician from the chart; a change makes a new plan version.
    labs = models.JSONField(default=dict, blank=True)
    # A provisional date lets the engine run before the procedure is booked.
    target_start = models.DateTimeField(null=True, blank=True)

    status = models.CharField(max_length=12, choices=CaseStatus.choices, default=CaseStatus.REFERRED)
    cancel_reason = models.CharField(max_length=20, choices=CancelReason.choices, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(blank=True)

    email_reminders = models.BooleanField(default=True)
    sms_reminders = models.BooleanField(default=False)
    reminders_opt_out = models.BooleanField(default=False)
    # Name, reference and phone digits, lower-case and unaccented (web.textsearch); written
    # by save(). PostgreSQL serves `LIKE '%term%'` on it from a trigram index (migration 0002).
    search_text = models.CharField(max_length=400, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        # The list's order is (-created_at, -id): an index range scan per page, newest first.
        indexes = [
            models.Index(fields=["created_at", "id"], name="case_list_all"),
            models.Index(fields=["status", "created_at", "id"], name="case_list_status"),
        ]

    def __str__(self) -> str:
        return self.reference  # never the name: str() ends up in logs

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = search_text(name=self.patient_name, reference=self.reference, phone=self.phone_e164)
        fields = kwargs.get("update_fields")
        if fields is not None and {"patient_name", "reference", "phone_e164"} & set(fields):
            kwargs["update_fields"] = {*fields, "search_text"}
        super().save(*args, **kwargs)

    def age_on(self, moment: datetime) -> int | None:
        if self.birth_date is None:
            return None
        day = moment.date()
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


class LinkPurpose(models.TextChoices):
    INTAKE = "intake", "Intake form"
    PLAN = "plan", "Plan page"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"
    SHOWN = "shown", "Read out or shown to staff"


class PatientLink(models.Model):
    """A link for one patient and one purpose. Only the token's hash is stored."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="links")
    purpose = models.CharField(max_length=8, choices=LinkPurpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_opened_at = models.DateTimeField(null=True, blank=True)
    opens = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.purpose} link for {self.case_id}"

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at

    def state(self, now: datetime, *, intake_submitted: bool) -> str:
        """What happens when the patient taps it, in the console's words."""
        if self.revoked_at is not None:
            return "Revoked by staff: it no longer opens"
        if now >= self.expires_at:
            return "Expired: it no longer opens"
        if self.purpose == LinkPurpose.INTAKE and intake_submitted:
            return "Answers sent: it no longer opens the form"
        return "Live: it opens"
