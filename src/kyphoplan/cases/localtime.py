"""Show times in the practice's zone: the server runs in UTC, the people do not."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from kyphoplan.web.practice import get_practice


def practice_time(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with timezone.override(get_practice().hours.zone):
            return view(request, *args, **kwargs)

    return wrapper
