"""Integration tokens: what an EHR or script presents to /api/v1/ and /fhir/."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models


class Scope(models.TextChoices):
    PLANS_PREVIEW = "plans:preview", "Preview a plan from patient facts (stores nothing)"
    CALLBACKS_READ = "callbacks:read", "Read call-back requests"
    FHIR_READ = "fhir:read", "Read FHIR resources"
    FHIR_WRITE = "fhir:write", "Create FHIR resources (QuestionnaireResponse)"
    CASES_READ = "cases:read", "Read cases and their plan versions"
    INTAKE_IMPORT = "intake:import", "Import medicines and allergies from an EHR into a case's intake"
    INTAKE_READ = "intake:read", "Read a case's intake answers"
    BOOKINGS_READ = "bookings:read", "Read procedure bookings (room, bed, times)"
    # The pathway over REST (plan-contract.md): the token's owner's role still decides.
    CASES_WRITE = "cases:write", "Open cases and set their labs"
    INTAKE_WRITE = "intake:write", "Replace a case's intake (re-plans)"
    PLANS_READ = "plans:read", "Read a case's plan and what its patient is shown"
    PLANS_WRITE = "plans:write", "Change a case's unsigned plan (overrides) or amend a signed one"
    PLANS_SIGN = "plans:sign", "Sign a case's plan"
    CANDIDACY_READ = "candidacy:read", "Read a case's fracture grading, candidacy checklist, payer criteria and codes"


class ApiToken(models.Model):
    """Only the SHA-256 of the token is kept; the token is shown once, when it is made."""

    name = models.CharField(max_length=100)
    # Requests act as this user: the audit trail names them, their permissions apply.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    prefix = models.CharField(max_length=12, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)
