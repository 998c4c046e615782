"""The demo's development inbox: Maria's messages reach a local SMTP server and a local
Twilio-compatible endpoint through the real senders, and Sam reads them at /staff/inbox/."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from kyphoplan.devinbox.models import DevChannel, DevMessage
from kyphoplan.devinbox.sinks import SmsInbox, SmtpInbox
from kyphoplan.outbox.providers import Outgoing, send_email, send_sms
from kyphoplan.reminders import config as reminder_config
from kyphoplan.reminders.models import Reminder
from tests.pathway.fixtures import maria_case  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def inbox(settings: Any, monkeypatch: Any) -> Iterator[tuple[SmtpInbox, SmsInbox]]:
    smtp, sms = SmtpInbox().start(), SmsInbox().start()
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.DEV_INBOX = "127.0.0.1", smtp.port, True
    for name, value in {"API_URL": sms.url, "ACCOUNT_SID": "ACdemo", "AUTH_TOKEN": "demo",
                        "FROM": "+15550100100"}.items():
        monkeypatch.setenv(f"KYPHOPLAN_SMS_{name}", value)
    reminder_config.get_config.cache_clear()
    yield smtp, sms
    smtp.stop()
    sms.stop()
    reminder_config.get_config.cache_clear()


def test_it_keeps_email_and_texts_sent_by_the_real_senders(inbox: Any) -> None:
    mail_id = send_email(Outgoing("k1", "maria@example.org", "Su plan", "Abra http://x/es/p/plan/t/"), lambda: None)
    sms_id = send_sms(Outgoing("k2", "+14155550132", "", "Su plan: http://x/es/p/plan/t/"), lambda: None,
                      reminder_config.get_config().sms)
    rows = {m.channel: m for m in DevMessage.objects.all()}
    assert rows[DevChannel.EMAIL].subject == "Su plan" and rows[DevChannel.EMAIL].provider_id == mail_id
    assert "http://x/es/p/plan/t/" in rows[DevChannel.EMAIL].body
    assert rows[DevChannel.SMS].to == "+14155550132" and rows[DevChannel.SMS].provider_id == sms_id


def test_it_shows_sam_the_inbox_with_links_to_follow(inbox: Any, sam: Any, verified: Any) -> None:
    send_email(Outgoing("k1", "maria@example.org", "Preguntas", "Abra http://127.0.0.1:8101/es/p/intake/abc/"),
               lambda: None)
    page = verified(sam).get("/staff/inbox/").content.decode()
    assert '<a href="http://127.0.0.1:8101/es/p/intake/abc/"' in page and "Email to maria@example.org" in page


def test_it_records_who_read_the_inbox_and_which_messages(inbox: Any, sam: Any, verified: Any) -> None:
    from kyphoplan.audit.models import Action, AuditEvent

    for key in ("k1", "k2"):
        send_email(Outgoing(key, "maria@example.org", "Preguntas", "Abra http://x/es/p/intake/abc/"), lambda: None)
    verified(sam).get("/staff/inbox/", REMOTE_ADDR="10.0.0.7")
    event = AuditEvent.objects.get(object_type="devmessage")
    assert (event.action, event.actor_username, event.ip) == (Action.LIST, "sam", "10.0.0.7")
    assert event.detail == {"count": 2, "ids": [str(m.pk) for m in DevMessage.objects.all()]}


def test_it_is_not_there_in_production(settings: Any, sam: Any, verified: Any) -> None:
    settings.DEV_INBOX = False
    assert verified(sam).get("/staff/inbox/").status_code == 404


def test_it_refuses_a_text_link_when_texts_are_not_set_up(maria_case: Any,  # noqa: F811
                                                           sam: Any, monkeypatch: Any) -> None:
    from kyphoplan.cases.models import Channel, LinkPurpose
    from kyphoplan.pathway.services import send_link

    monkeypatch.delenv("KYPHOPLAN_SMS_ACCOUNT_SID", raising=False)
    reminder_config.get_config.cache_clear()
    with pytest.raises(ValueError, match="text messages are not set up"):
        send_link(sam, maria_case, purpose=LinkPurpose.INTAKE, channel=Channel.SMS, ip=None, now=timezone.now())
    assert not maria_case.links.exists() and not Reminder.objects.exists()
