# Hand-written stubs for django-otp (1.7), which ships no types: only what kyphoplan builds on.
# Its other modules (plugins.otp_totp, …) stay untyped (ignore_missing_imports in pyproject.toml).

from django.http import HttpRequest
from django_otp.models import Device

DEVICE_ID_SESSION_KEY: str

def login(request: HttpRequest, device: Device | None) -> None: ...
