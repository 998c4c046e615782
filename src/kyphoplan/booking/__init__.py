"""Procedure rooms, overnight beds and bookings that cannot overlap."""
