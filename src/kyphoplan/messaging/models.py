"""Consent to text messages, per phone number and purpose, and the messages patients send us.

Consent belongs to the number, not the case: several patients can share one phone
(a daughter's mobile), and one STOP from it covers all of them (REFERENCE §13b).
Rows are appended; the newest row per (number, purpose) is the current answer.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Purpose(models.TextChoices):
    APPOINTMENT = "appointment", "Appointment and preparation reminders"
    FOLLOW_UP = "follow_up", "Follow-up check-ins after the procedure"


class ConsentState(models.TextChoices):
    GRANTED = "granted", "Agreed to texts"
    REVOKED = "revoked", "Opted out"


class ConsentSource(models.TextChoices):
    FORM = "form", "Patient's form or intake"
    STAFF = "staff", "Recorded by staff (patient asked)"
    KEYWORD = "keyword", "Text message keyword"


class SmsConsent(models.Model):
    phone_e164 = models.CharField(max_length=20)
    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    state = models.CharField(max_length=8, choices=ConsentState.choices)
    source = models.CharField(max_length=8, choices=ConsentSource.choices)
    at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    inbound = models.ForeignKey("InboundMessage", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # A staff grant says how the patient asked ("asked by phone 2026-11-20").
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["phone_e164", "purpose", "-at"])]

    def __str__(self) -> str:
        return f"{self.purpose} {self.state}"


class Keyword(models.TextChoices):
    STOP = "stop", "Stop (opt out)"
    HELP = "help", "Help"
    CONFIRM = "confirm", "Confirm appointment"
    START = "start", "Asked to get texts again"
    OTHER = "other", "Free text for the team"


class InboundMessage(models.Model):
    provider_sid = models.CharField(max_length=64, unique=True)
    phone_e164 = models.CharField(max_length=20, db_index=True)
    body = models.TextField()
    keyword = models.CharField(max_length=8, choices=Keyword.choices)
    received_at = models.DateTimeField()
    reply = models.CharField(max_length=320, blank=True)
    # Free text, START, a "yes" we could not match to one visit wait on the nurse worklist
    # until someone reads them; `staff_note` says why (red-flag words, which visit, ...).
    to_staff = models.BooleanField(default=False)
    staff_note = models.CharField(max_length=300, blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["keyword", "handled_at"]),
                   models.Index(fields=["received_at"], name="inbound_for_staff",
                                condition=models.Q(to_staff=True, handled_at__isnull=True))]

    def __str__(self) -> str:
        return f"{self.keyword} at {self.received_at:%Y-%m-%d %H:%M}"
