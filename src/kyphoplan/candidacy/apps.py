from django.apps import AppConfig


class CandidacyConfig(AppConfig):
    name = "kyphoplan.candidacy"
    label = "candidacy"
    default_auto_field = "django.db.models.BigAutoField"
