"""FHIR HTTP helpers: JSON responses through the validator, OperationOutcome, search Bundles."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from kyphoplan.fhir.validate import emit

FHIR_JSON = "application/fhir+json"


def base_url() -> str:
    return f"{settings.BASE_URL}/fhir"


def respond(resource: dict[str, Any], status: int = 200) -> HttpResponse:
    response = HttpResponse(json.dumps(emit(resource)), status=status, content_type=FHIR_JSON)
    response.headers["Cache-Control"] = "no-store"
    version = (resource.get("meta") or {}).get("versionId")
    if version and resource.get("resourceType") != "Bundle":
        response.headers["ETag"] = f'W/"{version}"'
    return response


def outcome(status: int, code: str, text: str) -> HttpResponse:
    return respond({"resourceType": "OperationOutcome",
                    "issue": [{"severity": "error", "code": code, "diagnostics": text}]}, status)


def bundle(kind: str, resources: list[dict[str, Any]], total: int, request: HttpRequest,
           offset: int = 0, count: int | None = None) -> dict[str, Any]:
    params = {k: v for k, v in request.GET.items() if k != "_offset"}
    links = [{"relation": "self", "url": f"{base_url()}/{kind}?{urlencode({**params, '_offset': offset})}"}]
    if count and offset + count < total:
        links.append({"relation": "next",
                      "url": f"{base_url()}/{kind}?{urlencode({**params, '_count': count, '_offset': offset + count})}"})
    return {"resourceType": "Bundle", "type": "searchset", "total": total, "link": links,
            "entry": [{"fullUrl": f"{base_url()}/{kind}/{r['id']}", "resource": emit(r),
                       "search": {"mode": "match"}} for r in resources]}
