from django.apps import AppConfig


class CdsHooksConfig(AppConfig):
    name = "kyphoplan.cdshooks"
    label = "cdshooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Fail closed at start-up: a malformed issuer list is an error, never "no issuers".
        from kyphoplan.cdshooks.config import trusted_issuers

        trusted_issuers()
