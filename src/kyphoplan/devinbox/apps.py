from django.apps import AppConfig


class DevInboxConfig(AppConfig):
    name = "kyphoplan.devinbox"
    label = "devinbox"
    verbose_name = "Development inbox"
    default_auto_field = "django.db.models.BigAutoField"
