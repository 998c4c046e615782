from django.apps import AppConfig


class CallbacksConfig(AppConfig):
    name = "kyphoplan.callbacks"
    label = "callbacks"
    default_auto_field = "django.db.models.BigAutoField"
