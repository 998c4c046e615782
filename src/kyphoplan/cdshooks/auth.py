"""Checks the CDS client's JWT (CDS Hooks 2.0, "Trusting CDS Clients").

Asymmetric algorithms only; the issuer must be allow-listed with its keys; `aud`
must be this service's URL; `exp`, `iat` and `jti` are required; a `jti` is
accepted once until the token expires. The clock is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from django.db import IntegrityError, transaction

from kyphoplan.cdshooks.config import ALLOWED_ALGORITHMS, Issuer, trusted_issuers
from kyphoplan.cdshooks.models import SeenToken

LEEWAY = timedelta(seconds=60)
# The specification asks for tokens that live at most five minutes.
MAX_LIFETIME = timedelta(minutes=5) + LEEWAY


_KEY_TYPE = {"RS": "RSA", "PS": "RSA", "ES": "EC", "Ed": "OKP"}


class CdsAuthError(Exception):
    """The request is not from a client we trust. `reason` is for our logs, not the client."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Client:
    issuer: Issuer
    subject: str
    tenant: str


def bearer_token(header: str) -> str:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise CdsAuthError("no bearer token")
    return token.strip()


def _claims_unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise CdsAuthError(f"malformed token ({exc.__class__.__name__})") from None
    return header, claims


def _instant(claims: dict[str, Any], name: str) -> datetime:
    value = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CdsAuthError(f"{name} missing or not a number")
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise CdsAuthError(f"{name} is not a time") from None


def authenticate(authorization: str, *, audience: str, now: datetime) -> Client:
    """Return the verified client, or raise CdsAuthError. Records the `jti` as used."""
    token = bearer_token(authorization)
    header, unverified = _claims_unverified(token)
    alg = header.get("alg")
    if alg not in ALLOWED_ALGORITHMS:
        raise CdsAuthError(f"algorithm {alg!r} not accepted")
    iss = unverified.get("iss")
    issuer = trusted_issuers().get(iss) if isinstance(iss, str) else None
    if issuer is None:
        raise CdsAuthError("unknown issuer")
    key = issuer.key(header.get("kid"), now.timestamp())
    if key is None:
        raise CdsAuthError("no configured key for this kid")
    if key.key_type != _KEY_TYPE[alg[:2]]:
        raise CdsAuthError(f"algorithm {alg} does not fit a {key.key_type} key")
    try:
        claims = jwt.decode(
            token,
            key=key.key,
            algorithms=[alg],
            audience=audience,
            issuer=issuer.iss,
            # Times are checked below against the clock we were given.
            options={"require": ["iss", "aud", "exp", "iat", "jti"], "verify_exp": False,
                     "verify_iat": False, "verify_nbf": False},
        )
    except jwt.InvalidAudienceError:
        raise CdsAuthError("wrong audience") from None
    except (jwt.PyJWTError, TypeError, ValueError) as exc:
        raise CdsAuthError(f"rejected ({exc.__class__.__name__})") from None
    expires = _instant(claims, "exp")
    issued = _instant(claims, "iat")
    if expires <= now - LEEWAY:
        raise CdsAuthError("expired")
    if issued > now + LEEWAY:
        raise CdsAuthError("issued in the future")
    if expires > now + MAX_LIFETIME:
        raise CdsAuthError("lives too long")
    subject = claims.get("sub", "")
    if issuer.subjects and subject not in issuer.subjects:
        raise CdsAuthError("subject not allowed")
    jti = claims["jti"]
    if not isinstance(jti, str) or not jti or len(jti) > 255:
        raise CdsAuthError("bad jti")
    _remember(issuer.iss, jti, expires, now)
    return Client(issuer=issuer, subject=str(subject), tenant=str(claims.get("tenant", "")))


def _remember(iss: str, jti: str, expires: datetime, now: datetime) -> None:
    SeenToken.objects.filter(expires_at__lt=now - LEEWAY).delete()
    try:
        with transaction.atomic():
            SeenToken.objects.create(issuer=iss, jti=jti, expires_at=expires + LEEWAY)
    except IntegrityError:
        raise CdsAuthError("replayed jti") from None
