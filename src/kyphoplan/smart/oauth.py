"""The EHR side of a SMART launch: PKCE and the id_token check (PyJWT for the signature).
Discovery and the token POST are in ehr_import.smart_discovery.

Only configured EHRs are contacted (the caller checks `iss` first), and their
endpoints come from the EHR's own `.well-known/smart-configuration`.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any

import jwt

from kyphoplan.ehr_import.smart_discovery import TIMEOUT_SECONDS, SmartConfiguration, SmartError

# Asymmetric only, as for CDS Hooks tokens.
ID_TOKEN_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge)."""
    verifier = secrets.token_urlsafe(64)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


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
