"""What every /fhir answer obeys, whatever the route: JSON only (406 otherwise),
OperationOutcome for every error status (never an HTML page), CORS for browser
SMART apps, and no CSRF check (requests carry a bearer token, never a cookie).

`fhir_endpoint` wraps each view of kyphoplan.fhir.urls; `unrouted` answers the paths
no route serves (the catch-all at the end of the URL list).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from kyphoplan.fhir.http import outcome

# Browser SMART apps call with a bearer token, never cookies: any origin may call, the
# token is what is trusted (as on /cds-services).
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, Accept, If-None-Match, Prefer",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Expose-Headers": "ETag, Location, Content-Location, Last-Modified",
    "Access-Control-Max-Age": "600",
}
_JSON_TYPES = {"application/fhir+json", "application/json", "application/json+fhir", "*/*", "application/*"}
_JSON_FORMATS = {"json", "application/json", "application/fhir+json", "application/json+fhir"}


def _media_types(accept: str) -> list[str]:
    kinds = []
    for part in accept.split(","):
        kind, _, params = part.strip().partition(";")
        if "q=0" in params.replace(" ", "") and "q=0." not in params.replace(" ", ""):
            continue  # q=0: explicitly not acceptable
        if kind:
            kinds.append(kind.strip().lower())
    return kinds


def not_acceptable(request: HttpRequest) -> str | None:
    """Why the request asks for a format we do not serve (XML, Turtle), or None."""
    fmt = request.GET.get("_format")
    if fmt is not None and fmt.strip().lower() not in _JSON_FORMATS:
        return f"_format={fmt} is not served: this server answers application/fhir+json"
    accept = request.headers.get("Accept", "")
    kinds = _media_types(accept)
    if kinds and not any(k in _JSON_TYPES or k.endswith("+json") for k in kinds):
        return f"Accept: {accept} is not served: this server answers application/fhir+json"
    return None


def fhir_endpoint(methods: tuple[str, ...]) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "OPTIONS":
                response = HttpResponse(status=204)
            elif request.method not in methods:
                response = outcome(405, "not-supported", f"{request.method} is not supported on this path")
                response.headers["Allow"] = ", ".join(methods)
            elif (why := not_acceptable(request)) is not None:
                response = outcome(406, "not-supported", why)
            else:
                response = view(request, *args, **kwargs)
            for name, value in CORS.items():
                response.headers[name] = value
            return response

        return wrapped

    return decorate


@fhir_endpoint(("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"))
def unrouted(request: HttpRequest, rest: str = "") -> HttpResponse:
    if "_history" in rest.split("/"):
        return outcome(404, "not-supported", "only CarePlan versions can be read: CarePlan/<id>/_history/<versionId>")
    return outcome(404, "not-found", f"nothing is served at /fhir/{rest}")
