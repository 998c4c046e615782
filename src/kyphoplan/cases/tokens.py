"""Patient link tokens. Only a hash is stored: a database dump does not open any link."""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_BYTES = 32


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same_hash(token: str, stored: str) -> bool:
    return hmac.compare_digest(token_hash(token), stored)
