"""An email waiting to go out. Delivery is at most once per message: a worker must
claim a pending row (a conditional UPDATE only one worker can win) before sending."""

from django.db import models


class MessageStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    CLAIMED = "claimed", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class OutboxMessage(models.Model):
    created_at = models.DateTimeField()
    kind = models.CharField(max_length=50)
    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to} ({self.status})"
