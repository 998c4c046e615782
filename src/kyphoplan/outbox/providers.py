"""Email (SMTP) and SMS (a Twilio-compatible HTTP API) senders, for every message that
goes to a patient: reminders and links (reminders.delivery) and call-back confirmations
(outbox.delivery). They live in this low app so both can use them.

Each sender does everything it can before the point of no return, then calls
`commit_point()` (which records SENDING in the database), then does the one
step after which the provider may have the message. Anything that fails
before that step is safe to retry; a failure after it without a clear answer
leaves the message in doubt. See docs/pathway.md, "Delivery".
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import io
import json
import re
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from email.generator import BytesGenerator
from functools import cache
from urllib.parse import urlencode, urlparse

from django.conf import settings
from django.core.mail import EmailMessage

from kyphoplan.web.env import env_str


@dataclass(frozen=True)
class SmsSettings:
    api_url: str
    account_sid: str
    auth_token: str
    sender: str

    @property
    def configured(self) -> bool:
        return bool(self.account_sid and self.auth_token and self.sender)


def load_sms_settings() -> SmsSettings:
    """The text-message provider, from KYPHOPLAN_SMS_* (docs/deploy.md)."""
    return SmsSettings(
        api_url=env_str("KYPHOPLAN_SMS_API_URL", "https://api.twilio.com").rstrip("/"),
        account_sid=env_str("KYPHOPLAN_SMS_ACCOUNT_SID"),
        auth_token=env_str("KYPHOPLAN_SMS_AUTH_TOKEN"),
        sender=env_str("KYPHOPLAN_SMS_FROM"),
    )


@cache
def get_sms_settings() -> SmsSettings:
    return load_sms_settings()


class TemporaryFailure(RuntimeError):
    """The provider did not take the message; trying again later may work."""


class PermanentFailure(RuntimeError):
    """The provider refused the message; trying again will not help."""


class InDoubt(RuntimeError):
    """The connection broke after the message was handed over, before the answer."""


@dataclass(frozen=True)
class Outgoing:
    key: str
    to: str
    subject: str
    body: str


CommitPoint = Callable[[], None]


def _smtp_check(code: int, reply: bytes, step: str) -> None:
    if 200 <= code < 400:
        return
    text = f"SMTP {step} {code} {reply[:100].decode('ascii', 'replace')}"
    raise (PermanentFailure if code >= 500 else TemporaryFailure)(text)


def _wire_bytes(email: EmailMessage) -> bytes:
    """The message as sent over SMTP: CRLF line ends, and no '>' put before lines that start
    with 'From '. What Django 5.2's `message().as_bytes(linesep=...)` does, written out because
    the stubs (and Django 6) give `message()` the standard library's `as_bytes`, which has no
    `linesep`."""
    buffer = io.BytesIO()
    BytesGenerator(buffer, mangle_from_=False).flatten(email.message(), linesep="\r\n")
    return buffer.getvalue()


def send_email(msg: Outgoing, commit_point: CommitPoint) -> str:
    email = EmailMessage(msg.subject, msg.body, to=[msg.to])
    # Stable Message-ID per reminder: a resend (by a person) is recognisable downstream.
    message_id = f"<{msg.key}@kyphoplan>"
    email.extra_headers["Message-ID"] = message_id
    data = _wire_bytes(email)
    try:
        conn = smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=settings.EMAIL_TIMEOUT)
    except OSError as exc:
        raise TemporaryFailure(f"SMTP connect: {type(exc).__name__}") from exc
    try:
        try:
            conn.ehlo_or_helo_if_needed()
            if settings.EMAIL_USE_TLS:
                conn.starttls()
                conn.ehlo()
            if settings.EMAIL_HOST_USER:
                conn.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
            _smtp_check(*conn.mail(settings.DEFAULT_FROM_EMAIL), "MAIL")
            _smtp_check(*conn.rcpt(msg.to), "RCPT")
            code, reply = conn.docmd("DATA")
            if code != 354:
                _smtp_check(code if code >= 400 else 451, reply, "DATA")
            body = re.sub(rb"(?m)^\.", b"..", data)
            conn.send(body if body.endswith(b"\r\n") else body + b"\r\n")
        except (smtplib.SMTPException, OSError) as exc:
            raise TemporaryFailure(f"SMTP: {type(exc).__name__}") from exc
        # Until the final dot the server discards everything if we vanish.
        commit_point()
        try:
            conn.send(b".\r\n")
            code, reply = conn.getreply()
        except (smtplib.SMTPException, OSError) as exc:
            raise InDoubt(f"SMTP end of data: {type(exc).__name__}") from exc
        _smtp_check(code, reply, "end of data")
        return message_id
    finally:
        with contextlib.suppress(OSError):
            conn.close()


def send_sms(msg: Outgoing, commit_point: CommitPoint, sms: SmsSettings) -> str:
    if not sms.configured:
        raise PermanentFailure("SMS is not configured (KYPHOPLAN_SMS_*)")
    url = urlparse(sms.api_url)
    conn_class = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
    conn = conn_class(url.hostname or "", url.port, timeout=20)
    path = f"{url.path}/2010-04-01/Accounts/{sms.account_sid}/Messages.json"
    form = urlencode({"To": msg.to, "From": sms.sender, "Body": msg.body}).encode()
    auth = base64.b64encode(f"{sms.account_sid}:{sms.auth_token}".encode()).decode()
    headers = {"Authorization": f"Basic {auth}", "Content-Type": "application/x-www-form-urlencoded",
               # Honoured by providers that de-duplicate; harmless elsewhere.
               "Idempotency-Key": msg.key}
    try:
        conn.connect()
    except OSError as exc:
        raise TemporaryFailure(f"SMS connect: {type(exc).__name__}") from exc
    try:
        commit_point()
        try:
            conn.request("POST", path, body=form, headers=headers)
            response = conn.getresponse()
            payload = response.read()
        except (TimeoutError, OSError, http.client.HTTPException) as exc:
            raise InDoubt(f"SMS: {type(exc).__name__}") from exc
        if response.status in (200, 201):
            try:
                return str(json.loads(payload)["sid"])
            except (ValueError, KeyError):
                return "accepted-without-id"
        text = f"SMS HTTP {response.status}"
        if response.status == 429 or response.status >= 500:
            raise TemporaryFailure(text)
        raise PermanentFailure(text)
    finally:
        conn.close()
