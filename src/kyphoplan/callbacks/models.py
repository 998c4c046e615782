"""Call-back requests and the calls made to answer them."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kyphoplan.web.textsearch import search_text

OBJECT_TYPE = "callbackrequest"  # a request's name in the audit trail and on outbox messages


class Status(models.TextChoices):
    NEW = "new", "New"
    ATTEMPTED = "attempted", "Attempted"
    REACHED = "reached", "Reached"
    SCHEDULED = "scheduled", "Scheduled"
    CLOSED = "closed", "Closed"


OPEN_STATUSES = (Status.NEW, Status.ATTEMPTED)


class CloseReason(models.TextChoices):
    DECLINED = "declined", "Patient declined"
    NOT_CANDIDATE = "not_candidate", "Not a candidate"
    DUPLICATE = "duplicate", "Duplicate request"
    WRONG_NUMBER = "wrong_number", "Wrong number"
    UNREACHABLE = "unreachable", "Could not reach"
    CANCELLED = "cancelled", "Cancelled after scheduling"
    OTHER = "other", "Other"


class Outcome(models.TextChoices):
    NO_ANSWER = "no_answer", "No answer"
    VOICEMAIL = "voicemail", "Left voicemail"
    WRONG_NUMBER = "wrong_number", "Wrong number"
    REACHED = "reached", "Reached"


class Reason(models.TextChoices):
    NEW_REFERRAL = "new_referral", _("I have a new referral")
    PREPARATION = "preparation", _("A question about getting ready")
    RESCHEDULE = "reschedule", _("Change my appointment")
    OTHER = "other", _("Something else")


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")
    OTHER = "other", _("Another language")


class Day(models.TextChoices):
    # A context of their own: as checkbox labels they are capitalised in Spanish too.
    MON = "mon", pgettext_lazy("best day to call", "Monday")
    TUE = "tue", pgettext_lazy("best day to call", "Tuesday")
    WED = "wed", pgettext_lazy("best day to call", "Wednesday")
    THU = "thu", pgettext_lazy("best day to call", "Thursday")
    FRI = "fri", pgettext_lazy("best day to call", "Friday")


class TimeOfDay(models.TextChoices):
    MORNING = "morning", _("Morning (8 to 11)")
    MIDDAY = "midday", _("Midday (11 to 2)")
    AFTERNOON = "afternoon", _("Afternoon (2 to 5)")


class CallbackRequest(models.Model):
    # Random ids keep URLs free of counts and of anything about the patient.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=12, unique=True)
    # One-time token from the form: a second POST of the same form finds this row.
    form_token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    due_by = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField()

    name = models.CharField(max_length=120)
    phone_e164 = models.CharField(max_length=20)
    email = models.EmailField(blank=True)
    language = models.CharField(max_length=8, choices=Language.choices)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    best_days = models.JSONField(default=list, blank=True)
    best_times = models.JSONField(default=list, blank=True)
    consent_call = models.BooleanField()
    consent_text = models.BooleanField(default=False)

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    close_reason = models.CharField(max_length=20, choices=CloseReason.choices, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Name, reference and phone digits, lower-case and unaccented (web.textsearch); written
    # by save(). PostgreSQL serves `LIKE '%term%'` on it from a trigram index (migration 0003).
    search_text = models.CharField(max_length=400, blank=True, editable=False)
    # Set (in the same transaction) when a case is made from this request: the new-case page
    # lists reached requests without one from a partial index, never by joining every case.
    has_case = models.BooleanField(default=False)

    class Meta:
        ordering = ["due_by"]
        # The queue's order is (due_by, created_at, reference): one index per filter shape,
        # so each page is an index range scan however long the table grows.
        indexes = [
            models.Index(fields=["due_by", "created_at", "reference"], name="callback_queue_all"),
            models.Index(fields=["status", "due_by", "created_at", "reference"], name="callback_queue_status"),
            models.Index(fields=["due_by", "created_at", "reference"], name="callback_queue_open",
                         condition=models.Q(status__in=["new", "attempted"])),
            models.Index(fields=["due_by", "created_at", "reference"], name="callback_reached_no_case",
                         condition=models.Q(status="reached", has_case=False)),
            # Integrations read oldest first (api.access): (created_at, reference), by status too.
            models.Index(fields=["created_at", "reference"], name="callback_api_all"),
            models.Index(fields=["status", "created_at", "reference"], name="callback_api_status"),
        ]
        permissions = [("export_callbackrequest", "Can export call-back requests as CSV")]

    def __str__(self) -> str:
        return self.reference  # never the name: str() ends up in logs

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = search_text(name=self.name, reference=self.reference, phone=self.phone_e164)
        fields = kwargs.get("update_fields")
        if fields is not None and {"name", "reference", "phone_e164"} & set(fields):
            kwargs["update_fields"] = {*fields, "search_text"}
        super().save(*args, **kwargs)

    # Staff read "Tuesday, Thursday", not the stored codes "tue, thu".
    def best_days_display(self) -> str:
        return ", ".join(str(Day(d).label) if d in Day.values else d for d in self.best_days)

    def best_times_display(self) -> str:
        return ", ".join(str(TimeOfDay(t).label) if t in TimeOfDay.values else t for t in self.best_times)


class CallAttempt(models.Model):
    request = models.ForeignKey(CallbackRequest, on_delete=models.PROTECT, related_name="attempts")
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.outcome} at {self.at:%Y-%m-%d %H:%M}"


class RateLimitCounter(models.Model):
    """Hits per key per fixed window, shared by every worker through the database."""

    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="ratelimit_key_window")]

    def __str__(self) -> str:
        return f"{self.key[:8]}… {self.hits}"
