from django.apps import AppConfig


class TalliesConfig(AppConfig):
    name = "kyphoplan.tallies"
    label = "tallies"
    default_auto_field = "django.db.models.BigAutoField"
