"""Messages caught by the demo's local mail and SMS servers (`kyphoplan serve`).

Only the demo writes here: production sends through real providers and the inbox page
answers 404 unless KYPHOPLAN_DEV_INBOX=1.
"""

from __future__ import annotations

from django.db import models


class DevChannel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


class DevMessage(models.Model):
    received_at = models.DateTimeField(db_index=True)
    channel = models.CharField(max_length=6, choices=DevChannel.choices)
    sender = models.CharField(max_length=254, blank=True)
    to = models.CharField(max_length=500)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    provider_id = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.channel} to {self.to} at {self.received_at:%Y-%m-%d %H:%M}"
