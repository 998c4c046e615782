"""The intake answers. One per case; saved as the patient goes, submitted once."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from kyphoplan.intake.answers import AllergyLine, Answers, MedicineLine


class IntakeStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"


class Intake(models.Model):
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="intake")
    status = models.CharField(max_length=12, choices=IntakeStatus.choices, default=IntakeStatus.NOT_STARTED)
    # Shape: see `answers()`; free text stays exactly as typed.
    data = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Who last saved: the patient (no user) or a coordinator on the phone.
    last_saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"intake for {self.case_id} ({self.status})"

    def answers(self) -> Answers:
        d: dict[str, Any] = self.data or {}
        return Answers(
            medicines=tuple(MedicineLine(m.get("text", ""), bool(m.get("unsure")), _codes(m.get("codes")))
                            for m in d.get("medicines", [])),
            allergies=tuple(AllergyLine(a.get("substance", ""), a.get("reaction", "")) for a in d.get("allergies", [])),
            diabetes=d.get("diabetes") or "unknown",
            insulin=d.get("insulin"),
            kidney=d.get("kidney") or "unknown",
            smoker=d.get("smoker"),
            has_escort=d.get("has_escort"),
            weight_kg=d.get("weight_kg"),
            height_cm=d.get("height_cm"),
            indications=tuple(d.get("indications", [])),
        )


def _codes(value: Any) -> tuple[dict[str, str], ...]:
    """Codings kept from an EHR import, reduced to what the facts accept."""
    if not isinstance(value, list):
        return ()
    return tuple({k: str(c[k]) for k in ("system", "code", "display") if c.get(k)}
                 for c in value if isinstance(c, dict) and c.get("system") and c.get("code"))
