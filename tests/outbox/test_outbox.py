"""Staff email goes through the outbox to a real SMTP server, at most once."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from kyphoplan.outbox.delivery import LEASE, claim, deliver_pending, enqueue
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


def test_it_retries_a_refused_connection_later_then_gives_up(settings: Any, clock: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    enqueue(kind="t", to="a@example.org", subject="s", body="b", now=timezone.now())
    assert deliver_pending() == (0, 1)
    msg = OutboxMessage.objects.get()
    # The server never had it: waiting again, after a backoff, not straight away.
    assert (msg.status, msg.attempts) == (MessageStatus.PENDING, 1) and msg.next_attempt_at > timezone.now()
    assert deliver_pending() == (0, 0)
    for _ in range(5):
        clock.move_to(OutboxMessage.objects.get().next_attempt_at + timedelta(seconds=1))
        deliver_pending()
    msg.refresh_from_db()
    assert (msg.status, msg.attempts) == (MessageStatus.FAILED, 6)
    clock.move_to(timezone.now() + timedelta(days=1))
    assert deliver_pending() == (0, 0)


def test_it_reclaims_a_killed_workers_claim_after_the_lease(smtp: Inbox, clock: Any) -> None:
    from kyphoplan.outbox import leases
    from kyphoplan.outbox.models import LIFECYCLE

    enqueue(kind="t", to="a@example.org", subject="s", body="b", now=timezone.now())
    [(pk, _)] = leases.claim_batch(OutboxMessage, LIFECYCLE, timezone.now(), 10, LEASE)  # then the worker dies
    assert deliver_pending() == (0, 0)  # the lease still runs: nobody else takes it
    clock.move_to(timezone.now() + LEASE + timedelta(seconds=1))
    assert deliver_pending() == (1, 0)
    assert len(smtp.messages) == 1 and OutboxMessage.objects.get(pk=pk).status == MessageStatus.SENT


def test_it_leaves_a_message_in_doubt_when_the_worker_died_while_sending(
        smtp: Inbox, clock: Any, client: Client, alex: Any, verified: Any) -> None:
    from kyphoplan.outbox import leases
    from kyphoplan.outbox.models import LIFECYCLE

    enqueue(kind="callback.new", to="a@example.org", subject="s", body="b", now=timezone.now())
    [(pk, token)] = leases.claim_batch(OutboxMessage, LIFECYCLE, timezone.now(), 10, LEASE)
    assert leases.to_sending(OutboxMessage, LIFECYCLE, pk, token, timezone.now() + LEASE)  # then the worker dies
    clock.move_to(timezone.now() + LEASE + timedelta(seconds=1))
    assert deliver_pending() == (0, 0)
    assert OutboxMessage.objects.get(pk=pk).status == MessageStatus.IN_DOUBT and smtp.messages == []
    verified(alex)
    page = client.get("/staff/messages/").content.decode()
    assert "callback.new" in page and "May have been sent" in page and "It was delivered" in page
    client.post(f"/staff/messages/staff-email/{pk}/", {"action": "resend"})
    assert OutboxMessage.objects.get(pk=pk).status == MessageStatus.PENDING
    call_command("deliver_outbox")
    assert len(smtp.messages) == 1 and OutboxMessage.objects.get(pk=pk).status == MessageStatus.SENT
    assert "callback.new" not in client.get("/staff/messages/").content.decode()


def test_it_drains_a_backlog_without_sleeping_between_full_batches(smtp: Inbox, monkeypatch: Any) -> None:
    import time

    def no_sleep(seconds: float) -> None:
        raise AssertionError("slept with messages waiting")

    monkeypatch.setattr(time, "sleep", no_sleep)
    for i in range(25):
        enqueue(kind="t", to=f"a{i}@example.org", subject="s", body="b", now=timezone.now())
    call_command("deliver_outbox", batch=10)
    assert len(smtp.messages) == 25
    assert not OutboxMessage.objects.exclude(status=MessageStatus.SENT).exists()


def test_it_keeps_sam_off_the_failed_messages_page(client: Client, sam: Any, verified: Any) -> None:
    verified(sam)
    assert client.get("/staff/messages/").status_code == 403
