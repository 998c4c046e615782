"""Real local servers for delivery tests: an SMTP server (aiosmtpd) and an HTTP server
speaking the part of Twilio's Messages API the SMS adapter uses."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SmtpSink:
    """Records every message it accepts. `replies` (optional) answers the DATA of message n
    (0-based) with a code instead of 250; `on_message(n)` runs before the answer is sent."""

    def __init__(self, replies: dict[int, str] | None = None,
                 on_message: Callable[[int], None] | None = None) -> None:
        self.messages: list[email.message.Message] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.replies = replies or {}
        self.on_message = on_message
        self.seen = 0
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            n = self.seen
            self.seen += 1
        if n in self.replies:
            return self.replies[n]
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        if self.on_message is not None:
            self.on_message(len(self.messages))
        return "250 OK: queued"

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    def ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]


class SmsSink:
    """A Twilio-compatible Messages endpoint. `statuses` answers request n with that code."""

    def __init__(self, statuses: dict[int, int] | None = None) -> None:
        self.requests: list[dict[str, Any]] = []
        self.statuses = statuses or {}
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                n = len(sink.requests)
                sink.requests.append({"path": self.path, "headers": dict(self.headers),
                                      "form": {k: v[0] for k, v in parse_qs(body.decode()).items()}})
                status = sink.statuses.get(n, 201)
                payload = json.dumps({"sid": f"SM{n:032d}", "status": "queued"} if status == 201
                                     else {"code": 21211, "message": "refused"}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        # A short poll: shutdown() waits up to one poll interval (0.5 s by default) per test.
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def __enter__(self) -> SmsSink:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
