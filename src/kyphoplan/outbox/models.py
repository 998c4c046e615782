"""A message waiting to go out with no case behind it: staff emails, and the patient's
confirmation of a call-back request (by email, and by text when they agreed to texts). It
rides the leased delivery mechanism of outbox.leases (the same one patient reminders use):
a worker claims a row with a lease before sending, so a worker that dies never leaves a row
claimed forever, and never sends one twice."""

from django.db import models

from kyphoplan.outbox.leases import Lifecycle


class MessageStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    CLAIMED = "claimed", "Claimed by a worker"
    SENDING = "sending", "Being handed to the provider"
    SENT = "sent", "Sent"
    IN_DOUBT = "in_doubt", "May have been sent (worker stopped while sending)"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Not sent"


LIFECYCLE = Lifecycle(waiting=MessageStatus.PENDING, claimed=MessageStatus.CLAIMED, sending=MessageStatus.SENDING,
                      sent=MessageStatus.SENT, in_doubt=MessageStatus.IN_DOUBT, failed=MessageStatus.FAILED)


class MessageChannel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


class OutboxMessage(models.Model):
    created_at = models.DateTimeField()
    kind = models.CharField(max_length=50)
    channel = models.CharField(max_length=6, choices=MessageChannel.choices, default=MessageChannel.EMAIL)
    to = models.CharField(max_length=254)  # an email address, or an E.164 number for a text
    subject = models.CharField(max_length=200)
    body = models.TextField()
    # The record the message is about, named as in the audit trail ("callbackrequest", its id),
    # so that record's staff page can show what was sent and what became of it.
    about_type = models.CharField(max_length=50, blank=True)
    about_id = models.CharField(max_length=64, blank=True)
    # After this moment the message is no longer worth sending: the worker does not send it
    # ("not sent: too late"). A person who sends a failed message again lifts it.
    not_after = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=36, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    provider_message_id = models.CharField(max_length=200, blank=True)
    error = models.CharField(max_length=300, blank=True)
    # A secret link (a set-password link) sits in the body only until the row is done (outbox.redact).
    carries_link = models.BooleanField(default=False)
    link_removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["about_type", "about_id"], name="outbox_about",
                         condition=~models.Q(about_id="")),
            models.Index(fields=["status"], name="outbox_link_kept",
                         condition=models.Q(carries_link=True, link_removed_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.channel} ({self.status})"  # never the address: str() ends up in logs
