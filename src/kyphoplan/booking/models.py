"""Rooms, beds, bookings, and the slot claims that make double booking impossible."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ResourceKind(models.TextChoices):
    ROOM = "room", "Procedure room"
    BED = "bed", "Overnight bed"


class Resource(models.Model):
    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=6, choices=ResourceKind.choices)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class BookingStatus(models.TextChoices):
    ACTIVE = "active", "Booked"
    MOVED = "moved", "Moved to another time"
    CANCELLED = "cancelled", "Cancelled"


class Booking(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="bookings")
    room = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="+")
    bed = models.ForeignKey(Resource, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    levels = models.PositiveSmallIntegerField()
    arrive = models.DateTimeField()
    start = models.DateTimeField(db_index=True)
    end = models.DateTimeField()
    discharge = models.DateTimeField()
    status = models.CharField(max_length=10, choices=BookingStatus.choices, default=BookingStatus.ACTIVE)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True)
    # The patient said the date suits them (a "yes" to a text); moving the booking asks again.
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_via = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["start"]
        # Integrations page bookings by (start, id) (api.access): a range scan per page.
        indexes = [models.Index(fields=["start", "id"], name="booking_by_start")]
        constraints = [
            # One live booking per case: moving a booking retires the old one first.
            models.UniqueConstraint(fields=["case"], condition=models.Q(status="active"),
                                    name="booking_one_active_per_case"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} in {self.room_id} at {self.start:%Y-%m-%d %H:%M}"

    @property
    def overnight(self) -> bool:
        return self.bed_id is not None


class SlotClaim(models.Model):
    """One 15-minute slot of one room or bed. The unique constraint is the lock."""

    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="claims")
    slot_start = models.DateTimeField()
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="claims")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resource", "slot_start"], name="slot_claim_once")
        ]

    def __str__(self) -> str:
        return f"{self.resource_id} {self.slot_start:%Y-%m-%d %H:%M}"
