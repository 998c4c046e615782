"""FHIR HTTP helpers: JSON responses, OperationOutcome, search Bundles.

Responses are serialised straight from the dicts the builders make, without the R4B models:
validating every resource on every request cost 12x plain serialisation. The builders are
what keeps the output valid, and the tests hold them to it: every FHIR response the test
suite receives goes through `validate.emit` and must come back unchanged
(tests/fhir/conftest.py). Inbound resources are still validated on every request.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse

FHIR_JSON = "application/fhir+json"


def base_url() -> str:
    return f"{settings.BASE_URL}/fhir"


def serialise(resource: dict[str, Any]) -> str:
    """The one place responses become JSON (the tests hook it to validate everything sent)."""
    return json.dumps(resource, separators=(",", ":"))


def respond(resource: dict[str, Any], status: int = 200) -> HttpResponse:
    response = HttpResponse(serialise(resource), status=status, content_type=FHIR_JSON)
    response.headers["Cache-Control"] = "no-store"
    version = (resource.get("meta") or {}).get("versionId")
    if version and resource.get("resourceType") != "Bundle":
        response.headers["ETag"] = f'W/"{version}"'
    return response


def outcome(status: int, code: str, text: str) -> HttpResponse:
    return respond({"resourceType": "OperationOutcome",
                    "issue": [{"severity": "error", "code": code, "diagnostics": text}]}, status)


def bundle(kind: str, resources: list[dict[str, Any]], total: int | None, request: HttpRequest,
           offset: int = 0, count: int | None = None, next_cursor: str | None = None) -> dict[str, Any]:
    """A searchset. Lists bounded by one patient page by `_offset` and carry `total`; the
    Task search pages by keyset: `total` is left out (knowing it would mean counting the
    table; FHIR makes it optional) and `next_cursor` becomes the `next` link."""
    if next_cursor is not None or total is None:
        params = dict(request.GET.items())
        links = [{"relation": "self", "url": f"{base_url()}/{kind}" + (f"?{urlencode(params)}" if params else "")}]
        if next_cursor is not None:
            following = {**params, "_count": count, "_cursor": next_cursor}
            links.append({"relation": "next", "url": f"{base_url()}/{kind}?{urlencode(following)}"})
    else:
        params = {k: v for k, v in request.GET.items() if k != "_offset"}
        links = [{"relation": "self", "url": f"{base_url()}/{kind}?{urlencode({**params, '_offset': offset})}"}]
        if count and offset + count < total:
            links.append({"relation": "next",
                          "url": f"{base_url()}/{kind}?{urlencode({**params, '_count': count, '_offset': offset + count})}"})
    out: dict[str, Any] = {"resourceType": "Bundle", "type": "searchset"}
    if total is not None:
        out["total"] = total
    out["link"] = links
    if resources:
        out["entry"] = [{"fullUrl": f"{base_url()}/{kind}/{r['id']}", "resource": r, "search": {"mode": "match"}}
                        for r in resources]
    return out


def page_bundle(kind: str, resources: list[dict[str, Any]], request: HttpRequest, count: int,
                offset: int) -> dict[str, Any]:
    """One `_count`/`_offset` page of a whole list, with its total and self/next links."""
    return bundle(kind, resources[offset:offset + count], len(resources), request, offset, count)
