"""A CDS client's keys read from its JWKS URL, configured per issuer (never from a token's
`jku`), kept for a while and fetched again when they expire or when a token names a key
we do not have yet: an EHR rotates its keys without kyphoplan restarting.

Kept for max-age of the answer's Cache-Control (between MIN_TTL and MAX_TTL), else
DEFAULT_TTL. An unknown `kid` fetches again at most every REFETCH_AFTER seconds, so
tokens with made-up key ids cannot make us hammer the EHR. A failed fetch fails closed.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass

from jwt import PyJWK, PyJWKSet
from jwt.exceptions import PyJWKError, PyJWKSetError

log = logging.getLogger(__name__)
DEFAULT_TTL = 300.0
MIN_TTL = 60.0
MAX_TTL = 86400.0
REFETCH_AFTER = 30.0
TIMEOUT_SECONDS = 5
MAX_BYTES = 256 * 1024
_MAX_AGE = re.compile(r"max-age=(\d+)")


class JwksUnavailable(Exception):
    pass


@dataclass(frozen=True)
class _Kept:
    keys: tuple[PyJWK, ...]
    fetched: float
    expires: float


_kept: dict[str, _Kept] = {}
_lock = threading.Lock()


def _fetch(url: str, now: float) -> _Kept:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            body = response.read(MAX_BYTES + 1)
            cache_control = response.headers.get("Cache-Control", "")
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise JwksUnavailable(f"{url}: {exc.__class__.__name__}") from None
    if len(body) > MAX_BYTES:
        raise JwksUnavailable(f"{url}: too large")
    try:
        keyset = PyJWKSet.from_dict(json.loads(body))
    except (json.JSONDecodeError, UnicodeDecodeError, PyJWKError, PyJWKSetError, AttributeError) as exc:
        raise JwksUnavailable(f"{url}: not a usable JWKS ({exc.__class__.__name__})") from None
    keys = tuple(k for k in keyset.keys if k.key_type in {"RSA", "EC", "OKP"})  # asymmetric only
    found = _MAX_AGE.search(cache_control)
    ttl = min(max(float(found.group(1)), MIN_TTL), MAX_TTL) if found else DEFAULT_TTL
    return _Kept(keys=keys, fetched=now, expires=now + ttl)


def _pick(keys: tuple[PyJWK, ...], kid: str | None) -> PyJWK | None:
    if kid is None:
        return keys[0] if len(keys) == 1 else None
    return next((k for k in keys if k.key_id == kid), None)


def key_from_url(url: str, kid: str | None, now: float) -> PyJWK | None:
    with _lock:
        kept = _kept.get(url)
    stale = kept is None or now >= kept.expires
    unknown = kept is not None and _pick(kept.keys, kid) is None and now - kept.fetched >= REFETCH_AFTER
    if stale or unknown:
        try:
            kept = _fetch(url, now)
        except JwksUnavailable as exc:
            log.warning("CDS client keys could not be read: %s", exc)
            if stale:
                return None  # fail closed: expired keys are not trusted
        else:
            with _lock:
                _kept[url] = kept
    return _pick(kept.keys, kid) if kept is not None else None


def forget_keys() -> None:
    with _lock:
        _kept.clear()
