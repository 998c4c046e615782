"""The patient's intake: medicines, allergies and health questions, by link or by phone."""
