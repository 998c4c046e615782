"""A tiny FHIR server for tests: serves fixed Bundles over http.server on a free port.

Routes are exact paths (with query) → (status, JSON body). Every request's path and
Authorization header are recorded so a test can check what was asked and how.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class FakeFhir:
    routes: dict[str, tuple[int, Any]] = field(default_factory=dict)
    seen: list[tuple[str, str]] = field(default_factory=list)
    base_url: str = ""

    def add(self, path: str, body: Any, status: int = 200) -> None:
        self.routes[path] = (status, body)


def bundle(resources: list[dict[str, Any]], next_url: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "resourceType": "Bundle", "type": "searchset", "total": len(resources),
        "entry": [{"resource": r} for r in resources],
    }
    if next_url:
        body["link"] = [{"relation": "next", "url": next_url}]
    return body


@contextmanager
def serve_fhir() -> Iterator[FakeFhir]:
    fake = FakeFhir()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            fake.seen.append((self.path, self.headers.get("Authorization", "")))
            status, body = fake.routes.get(self.path, (404, {"resourceType": "OperationOutcome", "issue": []}))
            payload = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/fhir+json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}/fhir"
    # A short poll: shutdown() waits up to one poll interval (0.5 s by default) per test.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
