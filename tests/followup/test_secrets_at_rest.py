"""A signed link is a key to a patient's page (or a staff account): it stays in the stored
message only while the message may still go out. Sent, finally failed or cancelled, the stored
body keeps its words and loses the link (outbox.redact); a person deciding a message in doubt
still has it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from kyphoplan.followup.dispatch import dispatch_due_checkins
from kyphoplan.followup.links import checkin_url, make_token
from kyphoplan.followup.models import CheckIn
from kyphoplan.followup.timepoints import TimePoint
from kyphoplan.messaging.gate import CHECKIN_KIND
from kyphoplan.outbox.redact import REDACTED
from kyphoplan.reminders import delivery
from kyphoplan.reminders.models import Reminder, ReminderStatus
from kyphoplan.reminders.services import LinkRemoved, settle
from tests.followup.conftest import post_sms
from tests.reminders.sinks import SmsSink, SmtpSink, free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def sms_sink(sms_token: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[SmsSink]:
    from kyphoplan.reminders.config import get_config

    with SmsSink() as sink:
        monkeypatch.setenv("KYPHOPLAN_SMS_API_URL", sink.url)
        get_config.cache_clear()
        yield sink
    get_config.cache_clear()


def _queued_checkin(case: Any) -> tuple[CheckIn, Reminder]:
    baseline = CheckIn.objects.get(case=case, timepoint=TimePoint.BASELINE)
    dispatch_due_checkins(baseline.due_at)
    row = Reminder.objects.get(case=case, kind=CHECKIN_KIND)
    assert row.carries_link and make_token(baseline.pk) in row.body  # waiting: the link must be there
    return baseline, row


def test_it_keeps_marias_check_in_text_but_not_its_link_once_sent(booked: Any, sms_sink: SmsSink, clock: Any) -> None:
    baseline, row = _queued_checkin(booked)
    clock.move_to(row.send_at)
    delivery.run_once()  # with the preparation reminders due by then
    [request] = [r for r in sms_sink.requests if r["headers"]["Idempotency-Key"] == row.key]
    assert checkin_url(baseline.pk, booked.language) in request["form"]["Body"]  # Maria got her link
    row.refresh_from_db()
    assert row.status == ReminderStatus.SENT and row.link_removed_at is not None
    assert make_token(baseline.pk) not in row.body and "://" not in row.body
    assert REDACTED in row.body and "STOP" in row.body  # staff still read what was sent


def test_it_removes_the_link_when_a_text_fails_for_good_and_will_not_resend_it(
    booked: Any, sms_token: str, nora: Any, clock: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kyphoplan.reminders.config import get_config

    baseline, row = _queued_checkin(booked)
    with SmsSink(statuses=dict.fromkeys(range(20), 400)) as sink:  # the provider refuses the number
        monkeypatch.setenv("KYPHOPLAN_SMS_API_URL", sink.url)
        get_config.cache_clear()
        clock.move_to(row.send_at)
        delivery.run_once()
    get_config.cache_clear()
    row.refresh_from_db()
    assert row.status == ReminderStatus.FAILED and make_token(baseline.pk) not in row.body and REDACTED in row.body
    with pytest.raises(LinkRemoved):
        settle(nora, row, resend=True, ip=None, now=timezone.now())
    row.refresh_from_db()
    assert row.status == ReminderStatus.FAILED


def test_it_removes_the_link_from_a_text_cancelled_by_stop(booked: Any, client: Any, sms_token: str) -> None:
    baseline, row = _queued_checkin(booked)
    post_sms(client, "STOP")
    row.refresh_from_db()
    assert row.status == ReminderStatus.CANCELLED
    assert make_token(baseline.pk) not in row.body and row.link_removed_at is not None
    # Rows cancelled any other way: the worker's next pass sweeps finished rows still holding a link.
    Reminder.objects.filter(pk=row.pk).update(body=f"see {checkin_url(baseline.pk, 'en')}", link_removed_at=None)
    delivery.run_once()
    row.refresh_from_db()
    assert "://" not in row.body and row.link_removed_at is not None


def test_it_keeps_the_link_of_a_message_in_doubt_until_nora_decides(booked: Any, nora: Any) -> None:
    baseline, row = _queued_checkin(booked)
    Reminder.objects.filter(pk=row.pk).update(status=ReminderStatus.IN_DOUBT)
    delivery.run_once()
    row.refresh_from_db()
    assert make_token(baseline.pk) in row.body  # "send again" still needs it
    settle(nora, row, resend=False, ip=None, now=timezone.now())  # she checked the provider's log
    row.refresh_from_db()
    assert row.status == ReminderStatus.SENT and make_token(baseline.pk) not in row.body


def test_it_forgets_an_intake_link_sent_by_email_but_keeps_the_words(maria_case: Any, sam: Any, settings: Any) -> None:
    from kyphoplan.cases.models import Channel, LinkPurpose
    from kyphoplan.pathway.services import send_link

    with SmtpSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        _, token = send_link(sam, maria_case, purpose=LinkPurpose.INTAKE, channel=Channel.EMAIL, ip=None,
                             now=timezone.now())
        assert delivery.run_once() == {"sent": 1}
        assert token in sink.messages[0].get_content()
    row = Reminder.objects.get(case=maria_case, kind="intake-link")
    assert token not in row.body and REDACTED in row.body and len(row.body) > len(REDACTED) + 20


def test_it_forgets_a_staff_set_password_link_once_emailed_and_when_it_fails(alex: Any, make_staff: Any,
                                                                             settings: Any, clock: Any) -> None:
    from kyphoplan.outbox.delivery import MAX_ATTEMPTS, deliver_pending
    from kyphoplan.outbox.failed import settle as settle_staff_email
    from kyphoplan.outbox.models import MessageStatus, OutboxMessage
    from kyphoplan.staff.passwords import KIND, send_set_password_link
    from kyphoplan.staff.roles import Role

    nora2 = make_staff("nora2", Role.NURSE)
    nora2.email = "nora2@example.org"
    nora2.save()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    with SmtpSink() as sink:
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        link = send_set_password_link(nora2, acting="alex", ip=None, now=timezone.now(), reset=True)
        assert link in OutboxMessage.objects.get(kind=KIND).body  # until it goes
        assert deliver_pending() == (1, 0)
        assert link in sink.messages[0].get_content()
    msg = OutboxMessage.objects.get(kind=KIND)
    assert msg.status == MessageStatus.SENT and link not in msg.body and REDACTED in msg.body
    msg.delete()
    settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = free_port(), 2  # no mail server there: retried, then given up
    link = send_set_password_link(nora2, acting="alex", ip=None, now=timezone.now(), reset=True)
    for _ in range(MAX_ATTEMPTS):
        deliver_pending()
        msg = OutboxMessage.objects.get(kind=KIND)
        assert msg.status == MessageStatus.FAILED or link in msg.body  # kept while it will be tried again
        clock.move_to(msg.next_attempt_at + timedelta(seconds=1))
    assert msg.status == MessageStatus.FAILED and link not in msg.body
    assert settle_staff_email(alex, msg.pk, True, None, timezone.now()) is False  # a new link, not this one
