"""Where a request came from, for audit rows and rate limits."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    if settings.BEHIND_PROXY:
        # The proxy appends the real peer last; earlier entries are client-supplied.
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None
