from django.apps import AppConfig


class PatientConfig(AppConfig):
    name = "kyphoplan.patient"
    label = "patient"
    default_auto_field = "django.db.models.BigAutoField"
