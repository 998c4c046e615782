"""Guards for console views: signed in, second factor passed, and (optionally) a permission."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.web.net import client_ip

View = Callable[..., HttpResponse]


def staff_required(perm: str | None = None) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect("staff:login")
            if not user.is_verified():  # type: ignore[attr-defined]
                return redirect("staff:verify")
            if perm and not user.has_perm(perm):
                record(user, Action.DENIED, ip=client_ip(request), detail={"view": view.__name__})
                raise PermissionDenied
            response = view(request, *args, **kwargs)
            # Pages with patient data must not sit in shared caches or the back button.
            response.headers["Cache-Control"] = "no-store"
            return response

        return wrapper

    return decorate
