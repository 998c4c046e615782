"""Staff email goes through the outbox to a real SMTP server, at most once."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from kyphoplan.outbox.delivery import claim, deliver_pending, enqueue
from kyphoplan.outbox.models import MessageStatus, OutboxMessage

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp(settings: Any) -> Iterator[Inbox]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    try:
        yield inbox
    finally:
        controller.stop()


def test_it_emails_the_scheduling_inbox_about_marias_request(
    client: Client, maria_form: dict, send_form: Any, smtp: Inbox
) -> None:
    send_form(client, maria_form)
    call_command("deliver_outbox")
    assert len(smtp.messages) == 1
    envelope = smtp.messages[0]
    assert envelope.rcpt_tos == ["scheduling@example.org"]
    body = envelope.content.decode()
    assert "New call-back request KP-" in body
    assert "Maria" not in body
    assert OutboxMessage.objects.get().status == MessageStatus.SENT
    call_command("deliver_outbox")
    assert len(smtp.messages) == 1  # never twice


def test_it_lets_only_one_worker_claim_a_message() -> None:
    msg = enqueue(kind="t", to="a@example.org", subject="s", body="b", now=timezone.now())
    assert claim(msg.pk, timezone.now()) is True
    assert claim(msg.pk, timezone.now()) is False


def test_it_marks_a_failed_send_and_does_not_retry(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    enqueue(kind="t", to="a@example.org", subject="s", body="b", now=timezone.now())
    assert deliver_pending() == (0, 1)
    assert OutboxMessage.objects.get().status == MessageStatus.FAILED
    assert deliver_pending() == (0, 0)
