"""Small views that belong to the project rather than an app."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    # Plain words instead of Django's technical page; `reason` is for developers only.
    return render(request, "csrf_failure.html", status=403)


def hello(request: HttpRequest) -> HttpResponse:
    """The benchmark's baseline: the cheapest response the stack can give."""
    return HttpResponse(b"hello", content_type="text/plain")


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")
