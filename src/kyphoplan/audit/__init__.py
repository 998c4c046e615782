"""Append-only record of who read or changed patient-identifying data."""
