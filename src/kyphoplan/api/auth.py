"""Bearer integration tokens for django-ninja, with per-route scopes."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from kyphoplan.api.errors import ApiError
from kyphoplan.api.models import Scope
from kyphoplan.api.tokens import Caller, check


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        return check(token, now=timezone.now())


def caller_with(request: HttpRequest, scope: Scope) -> Caller:
    caller: Any = getattr(request, "auth", None)
    if not isinstance(caller, Caller):
        raise ApiError(401, "unauthenticated", "a valid integration token is required")
    if not caller.has(scope):
        raise ApiError(403, "missing-scope", f"the token lacks the {scope.value} scope")
    return caller
