"""The EHR side of a SMART launch, over HTTP: discovery, the code exchange with PKCE,
and the id_token check. Standard library HTTP; PyJWT for the token signature.

Only configured EHRs are contacted (the caller checks `iss` first), and their
endpoints come from the EHR's own `.well-known/smart-configuration`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

import jwt

TIMEOUT_SECONDS = 10
MAX_BYTES = 1024 * 1024
# Asymmetric only, as for CDS Hooks tokens.
ID_TOKEN_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]


class SmartError(Exception):
    """The launch cannot go on; the message is safe to show the clinician."""


@dataclass(frozen=True)
class SmartConfiguration:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str


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
    if missing:
        raise SmartError(f"the EHR's SMART configuration lacks {', '.join(missing)}")
    if "S256" not in (data.get("code_challenge_methods_supported") or []):
        raise SmartError("the EHR does not support PKCE with S256")
    return SmartConfiguration(issuer=str(data.get("issuer") or ""), authorization_endpoint=data["authorization_endpoint"],
                              token_endpoint=data["token_endpoint"], jwks_uri=str(data.get("jwks_uri") or ""))


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge)."""
    verifier = secrets.token_urlsafe(64)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def post_form(url: str, fields: dict[str, str], what: str) -> dict[str, Any]:
    body = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"})
    return _json(request, what)


def verify_id_token(token: str, config: SmartConfiguration, client_id: str) -> dict[str, Any]:
    """The id_token's claims, signature checked against the EHR's published keys."""
    if not config.jwks_uri or not config.issuer:
        raise SmartError("the EHR's SMART configuration names no jwks_uri or issuer to check the id_token")
    try:
        key = jwt.PyJWKClient(config.jwks_uri, cache_keys=False, timeout=TIMEOUT_SECONDS).get_signing_key_from_jwt(token)
        claims: dict[str, Any] = jwt.decode(token, key.key, algorithms=ID_TOKEN_ALGORITHMS, audience=client_id,
                                            issuer=config.issuer, options={"require": ["iss", "aud", "exp", "sub"]})
    except jwt.PyJWTError as exc:
        raise SmartError(f"the EHR's id_token was refused ({exc.__class__.__name__})") from None
    return claims
