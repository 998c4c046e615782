"""Response headers Django does not set itself."""

from collections.abc import Callable

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from kyphoplan.web.practice import get_practice

# No inline scripts and no third-party hosts: the site works without any JavaScript.
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class MissingObjectIsNotFoundMiddleware:
    """An unknown id that reaches a `.get()` is a 404 page, not a 500.

    `access_*` readers fetch by id and let `DoesNotExist` rise, so the API, FHIR and
    the pages can each answer in their own shape; pages that do not catch it get the
    ordinary 404 here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, ObjectDoesNotExist):
            raise Http404 from exception
        return None


class PracticeTimeZoneMiddleware:
    """Every page shows times in the practice's zone.

    The server stores and computes in UTC; templates' `date`/`time` filters convert to
    the *current* zone, so the zone is activated here, once, for every request (a view
    that converted to local time itself would be converted back to UTC by the filter).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with timezone.override(get_practice().hours.zone):
            return self.get_response(request)
