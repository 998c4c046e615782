"""Sign staff out after a quiet spell, so an unattended screen does not stay open."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.web.net import client_ip

_KEY = "kyphoplan.last_seen"


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get(_KEY)
            if last is not None and now - int(last) > settings.STAFF_IDLE_MINUTES * 60:
                record(user, Action.TIMEOUT, ip=client_ip(request))
                logout(request)
                messages.info(request, "You were signed out after a time with no activity.")
                return redirect("staff:login")
            request.session[_KEY] = now
        return self.get_response(request)
