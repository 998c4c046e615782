"""The audit trail. Rows are only ever inserted.

The ORM refuses updates and deletes; the database refuses updates too (and, on
PostgreSQL, deletes) through triggers installed by migration 0002.
"""

from __future__ import annotations

from typing import Any

from django.db import models


class Action(models.TextChoices):
    VIEW = "view", "Viewed a record"
    LIST = "list", "Listed records"
    SEARCH = "search", "Searched"
    CREATE = "create", "Created a record"
    UPDATE = "update", "Changed a record"
    EXPORT = "export", "Exported records"
    LOGIN = "login", "Signed in"
    LOGIN_FAILED = "login_failed", "Failed sign-in"
    LOGOUT = "logout", "Signed out"
    TIMEOUT = "timeout", "Signed out after inactivity"
    OTP_ENROLLED = "otp_enrolled", "Set up two-step sign-in"
    OTP_FAILED = "otp_failed", "Wrong two-step code"
    DENIED = "denied", "Was refused access"


class AppendOnlyError(RuntimeError):
    pass


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit rows cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit rows cannot be deleted")


class AuditEvent(models.Model):
    at = models.DateTimeField(db_index=True)
    # A copy of the user id and name rather than a foreign key: deleting a user must
    # never rewrite (or block on) the trail.
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=50, blank=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    # Field names and counts only: never patient values.
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        # The trail is read newest first, (-at, -id), whole or by person, action or record:
        # each filter has an index in that order, so a page is a range scan at any size.
        indexes = [
            models.Index(fields=["at", "id"], name="audit_time"),
            models.Index(fields=["actor_username", "at", "id"], name="audit_actor"),
            models.Index(fields=["action", "at", "id"], name="audit_action"),
            models.Index(fields=["object_id", "at", "id"], name="audit_record"),
        ]
        permissions = [("export_auditevent", "Can export the audit trail")]

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The stubs type `pk` as a saved row's int; a row not yet inserted has None.
        pk: int | None = self.pk
        if pk is not None:
            raise AppendOnlyError("audit rows cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit rows cannot be deleted")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username or 'public'} {self.action}"
