"""Outgoing messages, written in the same transaction as the change that caused them."""
from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "kyphoplan.outbox"
    label = "outbox"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kyphoplan.outbox.failed import register_staff_email

        register_staff_email()
