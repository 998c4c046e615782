from django.apps import AppConfig
from django.conf import settings


class SmartConfig(AppConfig):
    name = "kyphoplan.smart"
    label = "smart"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Fail closed at start-up: a malformed EHR list is an error, never "no EHRs".
        from kyphoplan.ehr_import.backend import parse_backend_clients
        from kyphoplan.smart.config import launch_ehrs

        launch_ehrs()
        parse_backend_clients(getattr(settings, "SMART_BACKEND_CLIENTS", ""))
