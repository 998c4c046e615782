"""The CDS clients (EHRs) we trust, from the `CDS_HOOKS_ISSUERS` setting (JSON).

    {"https://ehr.example.org": {
        "jwks": {"keys": [{"kty": "RSA", "kid": "...", "n": "...", "e": "AQAB"}]},
        # or, instead of "jwks": "jwks_url": "https://ehr.example.org/.well-known/jwks.json"
        "subjects": ["client-id"],                # optional: allowed `sub` values
        "fhir_servers": ["https://ehr.example.org/fhir"]  # optional: where we may fetch
    }}

Keys are configured, or fetched from the issuer's configured `jwks_url` (kept with an
expiry and fetched again for a new `kid`: cdshooks/jwks.py); a `jku` header is ignored. A value that is set
but cannot be read stops the start-up (ImproperlyConfigured).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from jwt import PyJWK, PyJWKSet
from jwt.exceptions import PyJWKError, PyJWKSetError

from kyphoplan.cdshooks.jwks import key_from_url
from kyphoplan.web.env import json_object_setting

# Asymmetric only: `none` and the HMAC family are never accepted.
ALLOWED_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)


@dataclass(frozen=True)
class Issuer:
    iss: str
    keys: tuple[PyJWK, ...]
    subjects: frozenset[str]
    fhir_servers: tuple[str, ...]
    jwks_url: str = ""  # keys fetched from here (kept, refreshed) instead of configured keys

    def key(self, kid: str | None, now: float = 0.0) -> PyJWK | None:
        if self.jwks_url:
            return key_from_url(self.jwks_url, kid, now)
        if kid is None:
            return self.keys[0] if len(self.keys) == 1 else None
        return next((k for k in self.keys if k.key_id == kid), None)

    def may_fetch_from(self, url: str) -> bool:
        return any(url == base or url.startswith(base.rstrip("/") + "/") for base in self.fhir_servers)


def _fail(message: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"CDS_HOOKS_ISSUERS (KYPHOPLAN_CDS_HOOKS_ISSUERS): {message}")


def _strings(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _fail(f"{where} must be a list of strings")
    return tuple(value)


@lru_cache(maxsize=4)
def parse_issuers(raw: str) -> dict[str, Issuer]:
    issuers = {}
    for iss, entry in json_object_setting(raw, _fail, keyed_by="issuer").items():
        if not isinstance(entry, dict) or isinstance(entry.get("jwks"), dict) == isinstance(entry.get("jwks_url"), str):
            raise _fail(f"{iss}: needs a 'jwks' object or a 'jwks_url' (one of them)")
        unknown = set(entry) - {"jwks", "jwks_url", "subjects", "fhir_servers"}
        if unknown:
            raise _fail(f"{iss}: unknown fields {sorted(unknown)}")
        keys: tuple[PyJWK, ...] = ()
        if "jwks" in entry:
            try:
                keys = tuple(PyJWKSet.from_dict(entry["jwks"]).keys)
            except (PyJWKError, PyJWKSetError) as exc:
                raise _fail(f"{iss}: unusable JWKS ({exc})") from None
        elif not entry["jwks_url"].startswith("https://") and not entry["jwks_url"].startswith("http://127.0.0.1"):
            raise _fail(f"{iss}: jwks_url must be https (or a loopback address)")
        for key in keys:
            if key.key_type not in {"RSA", "EC", "OKP"}:
                raise _fail(f"{iss}: key {key.key_id!r} is not an asymmetric key")
        issuers[iss] = Issuer(
            iss=iss,
            keys=keys,
            subjects=frozenset(_strings(entry.get("subjects", []), f"{iss}.subjects")),
            fhir_servers=_strings(entry.get("fhir_servers", []), f"{iss}.fhir_servers"),
            jwks_url=entry.get("jwks_url", ""),
        )
    return issuers


def trusted_issuers() -> dict[str, Issuer]:
    return parse_issuers(getattr(settings, "CDS_HOOKS_ISSUERS", ""))


def service_base_url() -> str:
    return f"{settings.BASE_URL.rstrip('/')}/cds-services"
