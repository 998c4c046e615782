"""Django's SQLite backend, with a flush that keeps the audit trail's guard triggers.

The audit table refuses UPDATE and DELETE by trigger (audit migrations). `manage.py flush`
and the test suite's flush between transactional tests wipe every table on purpose with
DELETE, so the flush lifts the refusing triggers of the tables it empties and puts the very
same triggers back in the same transaction. Nothing else in the app can delete audit rows.
"""
