"""The X-Twilio-Signature check: base64(HMAC-SHA1(auth token, URL + each POST field name
and value, sorted by name)). Twilio signs the address it called, so the URL is built from
KYPHOPLAN_BASE_URL (what the provider was given), not from the Host header."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable


def expected_signature(auth_token: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    data = url + "".join(k + v for k, v in sorted(params, key=lambda kv: kv[0]))
    digest = hmac.new(auth_token.encode(), data.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def valid_signature(auth_token: str, url: str, params: Iterable[tuple[str, str]], given: str) -> bool:
    if not auth_token or not given:
        return False
    return hmac.compare_digest(expected_signature(auth_token, url, params), given)
