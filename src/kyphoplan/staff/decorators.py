"""Guards for console views: signed in, second factor passed, and (optionally) a permission."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.web.net import client_ip

# Any response: a page, a redirect, or a streamed download.
View = Callable[..., HttpResponseBase]


class StaffRequest(HttpRequest):
    """The request a view behind `staff_required` receives: its user has signed in (with the
    second factor), so it is a `User`, never `AnonymousUser`. A type for annotations only
    (the pattern django-stubs documents); a view may use it only under `staff_required`."""

    user: User


def staff_required(perm: str | None = None) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
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
