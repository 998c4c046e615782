from django.apps import AppConfig
from django.core import checks


class WebConfig(AppConfig):
    name = "kyphoplan.web"
    label = "web"

    def ready(self) -> None:
        from kyphoplan.web.config import check_settings

        checks.register(check_settings)
