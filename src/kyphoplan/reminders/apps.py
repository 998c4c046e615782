from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "kyphoplan.reminders"
    label = "reminders"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kyphoplan.reminders.failed import register_reminders

        register_reminders()  # on the failed-messages page with every other kind
