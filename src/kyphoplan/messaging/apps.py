from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "kyphoplan.messaging"
    label = "messaging"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kyphoplan.messaging.consent import outbox_refusal
        from kyphoplan.outbox import optouts

        optouts.register(outbox_refusal)  # the outbox's texts honour a STOP on the number
