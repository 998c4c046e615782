"""SMART Backend Services: kyphoplan's own access token for an EHR's FHIR server, with no
person in the loop (EHR import, CDS self-fetch when the hook request gave no token).

The token endpoint is discovered from the server's `.well-known/smart-configuration`; the
request is `client_credentials` with a `private_key_jwt` assertion signed by our key
(RS384 or ES384, `kid` matching the public key registered with the EHR). Tokens are kept
until shortly before they expire.

Setting SMART_BACKEND_CLIENTS (JSON), keyed by the FHIR base URL:

    {"https://ehr.example.org/fhir": {"client_id": "kyphoplan-backend",
        "key_file": "/etc/kyphoplan/ehr-backend.pem", "kid": "kp-2026-1",
        "alg": "RS384", "scope": "system/Patient.rs system/MedicationRequest.rs ..."}}
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jwt
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from kyphoplan.ehr_import.smart_discovery import SmartError, discover, post_form
from kyphoplan.web.env import json_object_setting

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_LIFETIME = 300  # seconds: the most the specification allows
RENEW_BEFORE = 30  # seconds before expiry a kept token is replaced
DEFAULT_SCOPE = ("system/Patient.rs system/MedicationRequest.rs system/MedicationStatement.rs "
                 "system/AllergyIntolerance.rs system/Observation.rs")


@dataclass(frozen=True)
class BackendClient:
    fhir_base: str
    client_id: str
    key_pem: bytes
    kid: str
    alg: str = "RS384"
    scope: str = DEFAULT_SCOPE


def _fail(message: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"SMART_BACKEND_CLIENTS (KYPHOPLAN_SMART_BACKEND_CLIENTS): {message}")


@lru_cache(maxsize=4)
def parse_backend_clients(raw: str) -> dict[str, BackendClient]:
    clients = {}
    for base, entry in json_object_setting(raw, _fail, keyed_by="FHIR base URL").items():
        if not isinstance(entry, dict) or not {"client_id", "key_file", "kid"} <= set(entry):
            raise _fail(f"{base}: needs client_id, key_file and kid")
        unknown = set(entry) - {"client_id", "key_file", "kid", "alg", "scope"}
        if unknown:
            raise _fail(f"{base}: unknown fields {sorted(unknown)}")
        if entry.get("alg", "RS384") not in {"RS384", "ES384"}:
            raise _fail(f"{base}: alg must be RS384 or ES384 (SMART Backend Services)")
        try:
            pem = Path(entry["key_file"]).read_bytes()
        except OSError as exc:
            raise _fail(f"{base}: cannot read key_file ({exc.strerror})") from None
        clients[base.rstrip("/")] = BackendClient(
            fhir_base=base.rstrip("/"), client_id=entry["client_id"], key_pem=pem, kid=entry["kid"],
            alg=entry.get("alg", "RS384"), scope=entry.get("scope", DEFAULT_SCOPE))
    return clients


def backend_client(fhir_base: str) -> BackendClient | None:
    return parse_backend_clients(getattr(settings, "SMART_BACKEND_CLIENTS", "")).get(fhir_base.rstrip("/"))


_kept: dict[str, tuple[str, float]] = {}
_lock = threading.Lock()


def assertion(client: BackendClient, token_endpoint: str, now: float) -> str:
    claims = {"iss": client.client_id, "sub": client.client_id, "aud": token_endpoint,
              "exp": int(now) + ASSERTION_LIFETIME, "iat": int(now), "jti": str(uuid.uuid4())}
    return jwt.encode(claims, client.key_pem, algorithm=client.alg, headers={"kid": client.kid, "typ": "JWT"})


def access_token(client: BackendClient) -> str:
    """A current access token for `client`'s server (kept, or fetched). Raises SmartError."""
    now = time.time()
    with _lock:
        kept = _kept.get(client.fhir_base)
        if kept and kept[1] - RENEW_BEFORE > now:
            return kept[0]
    config = discover(client.fhir_base)
    if config.grant_types and "client_credentials" not in config.grant_types:
        raise SmartError("the EHR does not offer client_credentials")
    answer = post_form(config.token_endpoint, {
        "grant_type": "client_credentials", "scope": client.scope,
        "client_assertion_type": ASSERTION_TYPE, "client_assertion": assertion(client, config.token_endpoint, now),
    }, "backend token request")
    token, lifetime = answer.get("access_token"), answer.get("expires_in", 300)
    if not isinstance(token, str) or not token or not isinstance(lifetime, int | float):
        raise SmartError("the EHR's token answer has no access_token")
    with _lock:
        _kept[client.fhir_base] = (token, now + float(lifetime))
    return token


def forget_tokens() -> None:
    """Drop kept tokens (tests; a key rotation)."""
    with _lock:
        _kept.clear()
