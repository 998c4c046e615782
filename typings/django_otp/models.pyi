# Hand-written stubs for django-otp (1.7), which ships no types: only what kyphoplan builds on.
# Its other modules (plugins.otp_totp, …) stay untyped (ignore_missing_imports in pyproject.toml).

from typing import Any, ClassVar, Self, TypeVar

from django.conf import settings
from django.db import models

_D = TypeVar("_D", bound=Device)

class DeviceManager(models.Manager[_D]):
    def devices_for_user(self, user: Any, confirmed: bool | None = None) -> models.QuerySet[_D]: ...

class Device(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    name = models.CharField(max_length=64)
    confirmed = models.BooleanField(default=True)
    objects: ClassVar[DeviceManager[Self]]

    class Meta:
        abstract = True

    @property
    def persistent_id(self) -> str: ...
    @classmethod
    def model_label(cls) -> str: ...
    def is_interactive(self) -> bool: ...
    def verify_token(self, token: Any) -> bool: ...
