"""Small views that belong to the project rather than an app."""

from functools import cache
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

_FAVICON = Path(__file__).resolve().parents[1] / "static/img/favicon.ico"


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    # Plain words instead of Django's technical page; `reason` is for developers only.
    return render(request, "csrf_failure.html", status=403)


def hello(request: HttpRequest) -> HttpResponse:
    """The benchmark's baseline: the cheapest response the stack can give."""
    return HttpResponse(b"hello", content_type="text/plain")


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


@cache
def _favicon_bytes() -> bytes:
    return _FAVICON.read_bytes()


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on every page, whatever the page links: our own icon
    (static/img/favicon.svg drawn as 16 and 32 px), never a 404 in the logs."""
    response = HttpResponse(_favicon_bytes(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response
