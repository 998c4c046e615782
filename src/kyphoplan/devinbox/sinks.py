"""The demo's local providers: an SMTP server (aiosmtpd) and a Twilio-compatible SMS
endpoint, both on 127.0.0.1, both writing what they receive to `DevMessage`.

The real senders (`outbox.delivery`, `outbox.providers`) talk to them exactly as they would to a
real provider, so the demo exercises the same delivery code as production.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from aiosmtpd.controller import Controller
from django.db import connection
from django.utils import timezone

from kyphoplan.devinbox.models import DevChannel, DevMessage
from kyphoplan.web.serve import free_port


def _text_of(message: email.message.EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    return part.get_content() if part is not None else ""


def _store(*, numbered: bool = False, **fields: Any) -> DevMessage:
    """Keep one message. The servers' threads come and go, so each closes its database
    connection when done: left open, it would outlive its thread (a PostgreSQL session that
    keeps the test database from being dropped)."""
    try:
        row = DevMessage.objects.create(received_at=timezone.now(), **fields)
        if numbered:  # an id like a provider's, for the SMS endpoint's answer
            row.provider_id = f"DEV{row.pk:010d}"
            row.save(update_fields=["provider_id"])
        return row
    finally:
        connection.close()


class _SmtpHandler:
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, email.message.EmailMessage)
        # The ORM is synchronous: store from a worker thread, not the event loop.
        await asyncio.to_thread(
            _store, channel=DevChannel.EMAIL, sender=envelope.mail_from or "",
            to=", ".join(envelope.rcpt_tos), subject=str(message.get("Subject", "")), body=_text_of(message),
            provider_id=str(message.get("Message-ID", "")),
        )
        return "250 OK: kept in the development inbox"


class SmtpInbox:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.controller = Controller(_SmtpHandler(), hostname="127.0.0.1", port=self.port)

    def start(self) -> SmtpInbox:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


class _SmsHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        row = _store(channel=DevChannel.SMS, sender=form.get("From", ""), to=form.get("To", ""),
                     body=form.get("Body", ""), numbered=True)
        payload = json.dumps({"sid": row.provider_id, "status": "queued"}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        return  # no patient data in logs


class SmsInbox:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), _SmsHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> SmsInbox:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
