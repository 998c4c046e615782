from datetime import timedelta

import pytest
from django.utils import timezone

from kyphoplan.reminders import config as reminder_config
from kyphoplan.reminders import delivery
from kyphoplan.reminders.models import Reminder, ReminderStatus
from tests.reminders.sinks import SmsSink, SmtpSink


@pytest.fixture
def smtp(settings):
    with SmtpSink() as sink:
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        yield sink


@pytest.fixture
def sms_env(monkeypatch):
    def configure(url):
        monkeypatch.setenv("KYPHOPLAN_SMS_API_URL", url)
        monkeypatch.setenv("KYPHOPLAN_SMS_ACCOUNT_SID", "AC0123")
        monkeypatch.setenv("KYPHOPLAN_SMS_AUTH_TOKEN", "secret")
        monkeypatch.setenv("KYPHOPLAN_SMS_FROM", "+15550100100")
        reminder_config.get_config.cache_clear()
    yield configure
    reminder_config.get_config.cache_clear()


def _reminder(case, n=0, channel="email", kind="last-dose", **extra):
    now = timezone.now()
    to = case.email if channel == "email" else case.phone_e164
    return Reminder.objects.create(
        case=case, key=f"k-{channel}-{n}", kind=kind, drug="clopidogrel", channel=channel, to=to, language="es",
        subject="Hoy es su último día de clopidogrel", body="Hoy es el último día.", send_at=now, event_at=now,
        next_attempt_at=now - timedelta(seconds=1), **extra)


def test_it_sends_email_through_a_real_smtp_server_once(maria_case, smtp):
    r = _reminder(maria_case)
    assert delivery.run_once() == {"sent": 1}
    assert delivery.run_once() == {}
    r.refresh_from_db()
    assert r.status == ReminderStatus.SENT and r.provider_message_id == f"<{r.key}@kyphoplan>"
    [msg] = smtp.messages
    assert msg["Subject"] == "Hoy es su último día de clopidogrel" and smtp.envelopes[0][1] == ["maria@example.org"]
    assert "último día" in msg.get_content()


def test_it_retries_with_backoff_when_the_server_says_try_later(maria_case, settings):
    with SmtpSink(replies={0: "451 4.3.0 try again later"}) as sink:
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        r = _reminder(maria_case)
        now = timezone.now()
        assert delivery.run_once(clock=lambda: now) == {"scheduled": 1}
        r.refresh_from_db()
        assert r.attempts == 1 and r.next_attempt_at == now + timedelta(minutes=1) and "451" in r.last_error
        assert delivery.run_once(clock=lambda: now + timedelta(seconds=30)) == {}
        assert delivery.run_once(clock=lambda: now + timedelta(seconds=61)) == {"sent": 1}
        assert len(sink.messages) == 1


def test_it_sends_sms_through_a_twilio_compatible_api(maria_case, sms_env):
    with SmsSink() as sink:
        sms_env(sink.url)
        r = _reminder(maria_case, channel="sms")
        assert delivery.run_once() == {"sent": 1}
        r.refresh_from_db()
        assert r.provider_message_id.startswith("SM")
        [req] = sink.requests
        assert req["path"] == "/2010-04-01/Accounts/AC0123/Messages.json"
        assert req["form"] == {"To": "+14155550132", "From": "+15550100100", "Body": "Hoy es el último día."}
        assert req["headers"]["Authorization"].startswith("Basic ") and req["headers"]["Idempotency-Key"] == r.key


def test_it_gives_up_on_a_permanent_refusal_and_retries_a_busy_provider(maria_case, sms_env):
    with SmsSink(statuses={0: 400, 1: 503}) as sink:
        sms_env(sink.url)
        refused = _reminder(maria_case, 0, channel="sms")
        busy = _reminder(maria_case, 1, channel="sms")
        delivery.run_once()
        refused.refresh_from_db()
        busy.refresh_from_db()
        assert refused.status == ReminderStatus.FAILED and "400" in refused.last_error
        assert busy.status == ReminderStatus.SCHEDULED and busy.attempts == 1


def test_it_lets_only_one_worker_claim_a_reminder(maria_case):
    _reminder(maria_case)
    now = timezone.now()
    assert len(delivery.claim_batch(now, 10)) == 1
    assert delivery.claim_batch(now, 10) == []
    # A worker that vanished after claiming: the lease runs out and another worker takes it.
    assert len(delivery.claim_batch(now + timedelta(minutes=6), 10)) == 1


def test_it_never_resends_a_message_a_dead_worker_may_have_handed_over(maria_case, smtp, monkeypatch):
    r = _reminder(maria_case)

    def dies_after_the_point_of_no_return(msg, commit_point):
        commit_point()
        raise KeyboardInterrupt  # the process is gone: nothing after this runs

    monkeypatch.setattr(delivery, "send_email", dies_after_the_point_of_no_return)
    with pytest.raises(KeyboardInterrupt):
        delivery.run_once()
    monkeypatch.undo()
    r.refresh_from_db()
    assert r.status == ReminderStatus.SENDING
    later = timezone.now() + timedelta(minutes=6)
    assert delivery.run_once(clock=lambda: later) == {}
    r.refresh_from_db()
    assert r.status == ReminderStatus.IN_DOUBT and smtp.messages == []


def test_it_checks_the_opt_out_again_at_send_time(maria_case, smtp):
    r = _reminder(maria_case)
    maria_case.reminders_opt_out = True
    maria_case.save()
    assert delivery.run_once() == {"cancelled": 1}
    r.refresh_from_db()
    assert r.status == ReminderStatus.CANCELLED and smtp.messages == []


def test_it_forgets_a_link_once_the_message_is_sent(maria_case, smtp):
    r = _reminder(maria_case, kind="intake-link")
    delivery.run_once()
    r.refresh_from_db()
    assert r.status == ReminderStatus.SENT and "http" not in r.body


def test_it_lets_a_person_settle_a_message_in_doubt(maria_case, sam, verified, client):
    r = _reminder(maria_case, status=ReminderStatus.IN_DOUBT)
    failed = _reminder(maria_case, 1, status=ReminderStatus.FAILED)
    verified(sam)
    page = client.get(f"/staff/cases/{maria_case.pk}/").content.decode()
    assert "It was delivered" in page
    client.post(f"/staff/cases/{maria_case.pk}/messages/{r.pk}/", {"action": "delivered"})
    client.post(f"/staff/cases/{maria_case.pk}/messages/{failed.pk}/", {"action": "resend"})
    r.refresh_from_db()
    failed.refresh_from_db()
    assert r.status == ReminderStatus.SENT and "confirmed delivered by sam" in r.last_error
    assert failed.status == ReminderStatus.SCHEDULED and failed.attempts == 0


def test_it_lists_failed_reminders_with_staff_emails_on_one_page(maria_case, alex, verified, client):
    from kyphoplan.outbox.delivery import enqueue
    from kyphoplan.outbox.models import MessageStatus, OutboxMessage

    doubtful = _reminder(maria_case, status=ReminderStatus.IN_DOUBT, last_error="worker stopped")
    email = enqueue(kind="callback.new", to="desk@example.org", subject="s", body="b", now=timezone.now())
    OutboxMessage.objects.filter(pk=email.pk).update(status=MessageStatus.FAILED, error="refused")
    verified(alex)
    page = client.get("/staff/messages/").content.decode()
    assert "Patient reminders and links" in page and "last-dose (email)" in page and "worker stopped" in page
    assert "Staff emails" in page and "desk@example.org" in page
    client.post(f"/staff/messages/reminder/{doubtful.pk}/", {"action": "delivered"})
    doubtful.refresh_from_db()
    assert doubtful.status == ReminderStatus.SENT and "confirmed delivered by alex" in doubtful.last_error
    assert client.post("/staff/messages/nothing/1/", {"action": "resend"}).status_code == 404
