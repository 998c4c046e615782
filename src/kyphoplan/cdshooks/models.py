"""What the CDS Hooks service remembers: seen token ids, the cards it gave, the feedback."""

from __future__ import annotations

import uuid

from django.db import models


class SeenToken(models.Model):
    """A client JWT's `jti`, kept until the token expires so it cannot be replayed."""

    issuer = models.CharField(max_length=255)
    jti = models.CharField(max_length=255)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "jti"], name="cds_seen_issuer_jti")]

    def __str__(self) -> str:
        return f"{self.issuer} {self.jti[:8]}…"


class Invocation(models.Model):
    """One hook call we answered: the facts we planned from (for the preview link) and our cards."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    hook_instance = models.CharField(max_length=64, db_index=True)
    service_id = models.CharField(max_length=64)
    issuer = models.CharField(max_length=255)
    client_id = models.CharField(max_length=255, blank=True)
    received_at = models.DateTimeField(db_index=True)
    # The contract's patient facts, built from prefetch; the preview re-runs the engine on them.
    facts = models.JSONField()
    placeholder_start = models.BooleanField(default=False)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.service_id} {self.received_at:%Y-%m-%d %H:%M}"


class IssuedCard(models.Model):
    """A card we returned, so feedback on it finds its invocation."""

    id = models.UUIDField(primary_key=True, editable=False)
    invocation = models.ForeignKey(Invocation, on_delete=models.PROTECT, related_name="cards")
    summary = models.CharField(max_length=140)

    def __str__(self) -> str:
        return str(self.id)


class Outcome(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    OVERRIDDEN = "overridden", "Overridden"


class Feedback(models.Model):
    """The CDS client's report of what the clinician did with one card."""

    service_id = models.CharField(max_length=64)
    card_ref = models.CharField(max_length=64, db_index=True)  # the client's card id, as sent
    # Null when the client reports on a card we have no record of (kept: it is their report).
    card = models.ForeignKey(IssuedCard, null=True, blank=True, on_delete=models.PROTECT)
    issuer = models.CharField(max_length=255)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    outcome_at = models.DateTimeField()
    received_at = models.DateTimeField()
    accepted_suggestions = models.JSONField(default=list, blank=True)
    override_reason = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.card_ref[:8]} {self.outcome}"
