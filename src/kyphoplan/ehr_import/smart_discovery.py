"""Talking to an EHR's SMART authorization server: `.well-known/smart-configuration`
discovery and form POSTs to its token endpoint. Standard library HTTP; used by the SMART
launch (kyphoplan.smart) and by Backend Services (ehr_import.backend)."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

TIMEOUT_SECONDS = 10
MAX_BYTES = 1024 * 1024


class SmartError(Exception):
    """The launch cannot go on; the message is safe to show the clinician."""


@dataclass(frozen=True)
class SmartConfiguration:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    code_challenge_methods: tuple[str, ...] = ()
    grant_types: tuple[str, ...] = ()


def _json(request: urllib.request.Request, what: str) -> dict[str, Any]:
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            body = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise SmartError(f"the EHR answered HTTP {exc.code} to the {what}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise SmartError(f"the EHR could not be reached for the {what} ({exc.__class__.__name__})") from None
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise SmartError(f"the EHR's {what} is not JSON") from None
    if not isinstance(data, dict):
        raise SmartError(f"the EHR's {what} is not a JSON object")
    return data


def discover(fhir_base: str) -> SmartConfiguration:
    """Read `<fhir base>/.well-known/smart-configuration` (SMART App Launch 2.0)."""
    url = f"{fhir_base.rstrip('/')}/.well-known/smart-configuration"
    data = _json(urllib.request.Request(url, headers={"Accept": "application/json"}), "SMART configuration")
    missing = [k for k in ("authorization_endpoint", "token_endpoint") if not isinstance(data.get(k), str)]
    # (Backend Services needs only the token endpoint; an authorize endpoint is there in practice.)
    if missing:
        raise SmartError(f"the EHR's SMART configuration lacks {', '.join(missing)}")
    return SmartConfiguration(
        issuer=str(data.get("issuer") or ""), authorization_endpoint=data["authorization_endpoint"],
        token_endpoint=data["token_endpoint"], jwks_uri=str(data.get("jwks_uri") or ""),
        code_challenge_methods=tuple(data.get("code_challenge_methods_supported") or ()),
        grant_types=tuple(data.get("grant_types_supported") or ()))


def post_form(url: str, fields: dict[str, str], what: str) -> dict[str, Any]:
    body = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"})
    return _json(request, what)


