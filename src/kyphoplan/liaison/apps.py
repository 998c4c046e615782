from django.apps import AppConfig


class LiaisonConfig(AppConfig):
    name = "kyphoplan.liaison"
    label = "liaison"
    default_auto_field = "django.db.models.BigAutoField"
