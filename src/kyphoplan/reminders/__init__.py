"""Reminders derived from the signed plan and the booking, and their delivery."""
