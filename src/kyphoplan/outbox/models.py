"""A staff email waiting to go out, on the leased delivery mechanism of outbox.leases (the
same one patient reminders use): a worker claims a row with a lease before sending, so a
worker that dies never leaves a row claimed forever, and never sends one twice."""

from django.db import models

from kyphoplan.outbox.leases import Lifecycle


class MessageStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    CLAIMED = "claimed", "Claimed by a worker"
    SENDING = "sending", "Being handed to the mail server"
    SENT = "sent", "Sent"
    IN_DOUBT = "in_doubt", "May have been sent (worker stopped while sending)"
    FAILED = "failed", "Failed"


LIFECYCLE = Lifecycle(waiting=MessageStatus.PENDING, claimed=MessageStatus.CLAIMED, sending=MessageStatus.SENDING,
                      sent=MessageStatus.SENT, in_doubt=MessageStatus.IN_DOUBT, failed=MessageStatus.FAILED)


class OutboxMessage(models.Model):
    created_at = models.DateTimeField()
    kind = models.CharField(max_length=50)
    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=36, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to} ({self.status})"
