"""CDS client keys from the issuer's configured JWKS URL (a real HTTP server here): kept
with an expiry, fetched again for a new kid, so an EHR rotates keys with no restart."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from kyphoplan.cdshooks.jwks import forget_keys
from tests.cdshooks.conftest import ISS, ORDER_SIGN, Ehr, in_days, order_sign_request, service_url

pytestmark = pytest.mark.django_db


class JwksServer:
    def __init__(self) -> None:
        self.keys: list[dict[str, Any]] = []
        self.fetches = 0
        self.url = ""


@pytest.fixture
def jwks_server() -> Iterator[JwksServer]:
    state = JwksServer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.fetches += 1
            payload = json.dumps({"keys": state.keys}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Cache-Control", "max-age=600")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/jwks.json"
    # A short poll: shutdown() waits up to one poll interval (0.5 s by default) per test.
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    forget_keys()
    yield state
    forget_keys()
    server.shutdown()
    server.server_close()


def _public(key: Any, kid: str) -> dict[str, Any]:
    return {**json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key())), "kid": kid, "alg": "ES256"}


def test_it_follows_a_key_rotation_without_a_restart(client: Any, ehr: Ehr, settings: Any,
                                                     jwks_server: JwksServer, clock: Any) -> None:
    settings.CDS_HOOKS_ISSUERS = json.dumps({ISS: {"jwks_url": jwks_server.url}})
    first = ec.generate_private_key(ec.SECP256R1())
    jwks_server.keys = [_public(first, "2026-a")]

    def status(key: Any, kid: str) -> int:
        token = ehr.token(service_url(ORDER_SIGN), alg="ES256", kid=kid, key=key)
        return int(client.post(f"/cds-services/{ORDER_SIGN}", json.dumps(order_sign_request(in_days(20))),
                               content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}").status_code)

    assert status(first, "2026-a") == 200
    assert status(first, "2026-a") == 200 and jwks_server.fetches == 1  # kept, not fetched per call
    second = ec.generate_private_key(ec.SECP256R1())
    jwks_server.keys = [_public(second, "2026-b")]
    clock.shift(timedelta(seconds=31))
    assert status(second, "2026-b") == 200 and jwks_server.fetches == 2  # a new kid: fetched again
    assert status(first, "2026-a") == 401  # the retired key is gone
    assert status(second, "nobody") == 401 and jwks_server.fetches == 2  # unknown kids wait REFETCH_AFTER
    clock.shift(timedelta(seconds=601))
    assert status(second, "2026-b") == 200 and jwks_server.fetches == 3  # expired: fetched again


def test_it_fails_closed_when_the_jwks_url_cannot_be_read(client: Any, ehr: Ehr, settings: Any) -> None:
    forget_keys()
    settings.CDS_HOOKS_ISSUERS = json.dumps({ISS: {"jwks_url": "http://127.0.0.1:9/jwks.json"}})
    token = ehr.token(service_url(ORDER_SIGN))
    response = client.post(f"/cds-services/{ORDER_SIGN}", json.dumps(order_sign_request(in_days(20))),
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401
