from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "kyphoplan.messaging"
    label = "messaging"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kyphoplan.messaging.consent import outbox_refusal, stopped_number
        from kyphoplan.outbox import optouts
        from kyphoplan.reminders.delivery import VETOES

        optouts.register(outbox_refusal)  # the outbox's texts honour a STOP on the number
        if stopped_number not in VETOES:  # and so do patient reminders, per purpose, at send time
            VETOES.append(stopped_number)
