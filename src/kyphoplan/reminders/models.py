"""Reminders: the durable outbox for patient messages.

Each row is one message to one address on one channel, with an idempotency key
unique across the table. A worker claims a row with a lease (a conditional
UPDATE that only one worker can win), marks it SENDING just before handing it
to the provider, and records the provider's message id with SENT. What happens
when a worker dies in between is written in docs/pathway.md.
"""

from __future__ import annotations

from typing import Any

from django.db import models


class ReminderStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CLAIMED = "claimed", "Claimed by a worker"
    SENDING = "sending", "Being handed to the provider"
    SENT = "sent", "Sent"
    IN_DOUBT = "in_doubt", "May have been sent (worker stopped while sending)"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


LIVE = (ReminderStatus.SCHEDULED, ReminderStatus.CLAIMED)


class ReminderChannel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


class Reminder(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="reminders")
    # Empty for messages that are not plan reminders (the intake link).
    plan_version = models.ForeignKey(
        "plans.PlanVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    key = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=30)
    drug = models.CharField(max_length=100, blank=True)
    channel = models.CharField(max_length=6, choices=ReminderChannel.choices)
    to = models.CharField(max_length=254)
    language = models.CharField(max_length=2)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    send_at = models.DateTimeField()
    event_at = models.DateTimeField()

    status = models.CharField(max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.SCHEDULED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    lease_until = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=36, blank=True)
    provider_message_id = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    # A patient link (check-in, intake, plan) sits in the body only until the row is done
    # (outbox.redact): sent, finally failed or cancelled.
    carries_link = models.BooleanField(default=False)
    link_removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["send_at", "id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"]),
                   models.Index(fields=["status"], name="reminder_link_kept",
                                condition=models.Q(carries_link=True, link_removed_at__isnull=True))]

    def __str__(self) -> str:
        return f"{self.kind} {self.channel} for {self.case_id} ({self.status})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding:
            self.carries_link = carries_link(self.kind)
        super().save(*args, **kwargs)

    @property
    def kind_label(self) -> str:
        """What staff read in the Messages list ("Last dose", not "last-dose")."""
        return KIND_LABELS.get(self.kind, self.kind)


KIND_LABELS = {
    "intake-link": "Intake link",
    "plan-link": "Plan link",
    "consult-prescriber": "Call your prescriber",
    "last-dose": "Last dose",
    "fasting-evening": "Fasting starts",
    "arrival-morning": "Arrival",
    "checkin-link": "Follow-up check-in link",
    "care-team-note": "Care team note",
    "premedication": "Premedication doses",
    "dose-change": "Dose change",
}


def carries_link(kind: str) -> bool:
    """Kinds whose body holds a patient's personal link (intake-link, plan-link, checkin-link)."""
    return kind.endswith("-link")
