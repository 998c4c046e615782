"""Maria ticks "you may send me text messages" when she asks for a call: she gets a text that
confirms it, in her language, through the outbox and the project's SMS sender (REFERENCE §13b)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import textstat
from django.test import Client
from django.utils import timezone

from kyphoplan.callbacks.confirmations import sms_text
from kyphoplan.callbacks.models import CallbackRequest
from kyphoplan.callbacks.services import NewRequest, submit_request
from kyphoplan.devinbox.models import DevChannel, DevMessage
from kyphoplan.devinbox.sinks import SmsInbox
from kyphoplan.messaging.consent import revoke_number
from kyphoplan.outbox import optouts
from kyphoplan.outbox.delivery import run_once
from kyphoplan.outbox.models import MessageChannel, MessageStatus, OutboxMessage
from kyphoplan.outbox.providers import get_sms_settings
from kyphoplan.reminders import config as reminder_config
from kyphoplan.web.practice import get_practice
from tests.spanish_text import spanish_problems

# Wednesday 2 December 2026, 10:00 in Los Angeles: the call is due by 14:00 there.
WEDNESDAY_10AM_LA = "2026-12-02T18:00:00+00:00"
MARIA = "+14155550132"


@pytest.fixture
def texts(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmsInbox]:
    """The practice has a text-message provider: the demo's local one, kept in DevMessage."""
    sms = SmsInbox().start()
    for name, value in {"API_URL": sms.url, "ACCOUNT_SID": "ACdemo", "AUTH_TOKEN": "demo",
                        "FROM": "+15550100100"}.items():
        monkeypatch.setenv(f"KYPHOPLAN_SMS_{name}", value)
    get_sms_settings.cache_clear()
    reminder_config.get_config.cache_clear()
    yield sms
    sms.stop()
    monkeypatch.undo()
    get_sms_settings.cache_clear()
    reminder_config.get_config.cache_clear()


def _ask(client: Client, form: dict[str, Any], language: str = "es") -> tuple[CallbackRequest, OutboxMessage]:
    url = "/es/pida-una-llamada/" if language == "es" else "/en/request-a-call/"
    assert client.post(url, form).status_code == 302
    req = CallbackRequest.objects.get(form_token=form["form_token"])
    return req, OutboxMessage.objects.get(channel=MessageChannel.SMS, about_id=str(req.pk))


def _inbox_texts() -> list[DevMessage]:
    return list(DevMessage.objects.filter(channel=DevChannel.SMS))


@pytest.mark.django_db(transaction=True)
def test_it_texts_maria_in_spanish_and_the_text_arrives(
    client: Client, maria_form: dict, clock: Any, texts: SmsInbox
) -> None:
    clock.move_to(WEDNESDAY_10AM_LA)
    req, text = _ask(client, maria_form)
    practice = get_practice()
    assert text.to == MARIA and text.kind == "callback.confirm" and text.status == MessageStatus.PENDING
    body = text.body
    assert len(body) <= 160, (len(body), body)
    assert body.startswith(practice.name + ":") and practice.phone in body and req.reference in body
    assert "mié 2 dic, 14:00" in body, body  # practice time, not 22:00 UTC
    assert "Responda STOP" in body and spanish_problems(body) == []
    assert req.name not in body and "cita" not in body  # no name, no reason (REFERENCE §13b)
    textstat.set_lang("es")
    try:
        assert textstat.fernandez_huerta(body) >= 60, body  # "fairly easy", about grade 7-8
    finally:
        textstat.set_lang("en")
    assert run_once() == {"sent": 2}  # the schedulers' email and Maria's text
    [arrived] = _inbox_texts()
    assert (arrived.to, arrived.body, arrived.sender) == (MARIA, body, "+15550100100")
    text.refresh_from_db()
    assert text.status == MessageStatus.SENT and text.provider_message_id == arrived.provider_id


@pytest.mark.django_db
def test_it_texts_in_english_at_grade_8_or_below(client: Client, maria_form: dict, clock: Any,
                                                 texts: SmsInbox) -> None:
    clock.move_to(WEDNESDAY_10AM_LA)
    req, text = _ask(client, {**maria_form, "language": "en"}, language="en")
    assert "We will call you by Wed Dec 2, 2:00 PM." in text.body and "Reply STOP to end texts." in text.body
    assert len(text.body) <= 160 and req.reference in text.body
    assert textstat.flesch_kincaid_grade(text.body) <= 8, text.body


@pytest.mark.django_db
def test_it_leaves_out_the_reference_then_the_phone_for_a_long_practice_name(
    client: Client, maria_form: dict, texts: SmsInbox
) -> None:
    _ask(client, maria_form)
    req = CallbackRequest.objects.get()
    for name, kept in [("Springfield Spine and Radiology Partners", get_practice().phone),
                       ("Springfield Spine and Interventional Radiology", "STOP")]:
        body = sms_text(req, dataclasses.replace(get_practice(), name=name))
        assert len(body) <= 160 and body.startswith(name) and kept in body and req.reference not in body, body


@pytest.mark.django_db
def test_it_sends_no_text_without_her_consent_or_without_a_provider(
    client: Client, maria_form: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("API_URL", "ACCOUNT_SID", "AUTH_TOKEN", "FROM"):
        monkeypatch.delenv(f"KYPHOPLAN_SMS_{name}", raising=False)
    get_sms_settings.cache_clear()
    client.post("/es/pida-una-llamada/", maria_form)  # agreed, but the practice sends no texts
    monkeypatch.setenv("KYPHOPLAN_SMS_ACCOUNT_SID", "ACdemo")
    monkeypatch.setenv("KYPHOPLAN_SMS_AUTH_TOKEN", "demo")
    monkeypatch.setenv("KYPHOPLAN_SMS_FROM", "+15550100100")
    get_sms_settings.cache_clear()
    try:
        client.post("/es/pida-una-llamada/", {**maria_form, "consent_text": "", "form_token": "maria-token-2" * 3})
    finally:
        get_sms_settings.cache_clear()
    assert CallbackRequest.objects.count() == 2
    assert not OutboxMessage.objects.filter(channel=MessageChannel.SMS).exists()


@pytest.mark.django_db(transaction=True)
def test_it_honours_a_stop_sent_earlier_from_that_number(client: Client, maria_form: dict, texts: SmsInbox) -> None:
    revoke_number(MARIA, inbound=None, now=timezone.now() - timedelta(days=30))
    _req, text = _ask(client, maria_form)  # ticking the box on the form does not opt her back in
    assert run_once() == {"sent": 1, "cancelled": 1}
    text.refresh_from_db()
    assert (text.status, text.error) == (MessageStatus.CANCELLED, "opted out by text (STOP)")
    assert _inbox_texts() == []


@pytest.mark.django_db
def test_it_cancels_the_queued_text_when_stop_comes_first(client: Client, maria_form: dict, texts: SmsInbox) -> None:
    _req, text = _ask(client, maria_form)
    assert revoke_number(MARIA, inbound=None, now=timezone.now()) == 1
    text.refresh_from_db()
    assert text.status == MessageStatus.CANCELLED
    assert run_once() == {"sent": 1}  # only the schedulers' email


@pytest.mark.django_db(transaction=True)
def test_it_texts_at_once_in_quiet_hours_but_never_late(
    client: Client, maria_form: dict, clock: Any, texts: SmsInbox
) -> None:
    # 23:30 in Los Angeles: she has just asked and holds her phone, so the answer goes now.
    clock.move_to("2026-12-03T07:30:00+00:00")
    _ask(client, maria_form)
    assert run_once() == {"sent": 2} and len(_inbox_texts()) == 1
    # Another request, and the worker is down for more than an hour: no longer an answer.
    _req, late = _ask(client, {**maria_form, "form_token": "maria-token-late-00000001"})
    clock.move_to("2026-12-03T08:45:00+00:00")
    assert run_once() == {"sent": 1, "cancelled": 1}
    late.refresh_from_db()
    assert late.status == MessageStatus.CANCELLED and late.error.startswith("not sent: too late")
    assert len(_inbox_texts()) == 1


@pytest.mark.django_db
def test_it_does_not_text_a_landline(texts: SmsInbox) -> None:
    landline = "+442079460123"  # a London fixed line (Ofcom's drama range)
    req, _created = submit_request(
        NewRequest("Maria Landline", landline, "", "en", "other", [], [], True, True),
        form_token="landline-token-000000001", ip=None, now=timezone.now(), practice=get_practice())
    text = OutboxMessage.objects.get(channel=MessageChannel.SMS, about_id=str(req.pk))
    assert text.status == MessageStatus.CANCELLED and "landline" in text.error


@pytest.mark.django_db
def test_it_refuses_every_text_when_no_opt_out_check_is_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    assert optouts.refusal(MARIA) == ""  # the messaging app registered its check at start-up
    monkeypatch.setattr(optouts, "_CHECKS", [])
    assert optouts.refusal(MARIA) == optouts.NO_CHECK


@pytest.mark.django_db(transaction=True)
def test_it_shows_sam_what_was_sent_and_its_state(
    client: Client, maria_form: dict, texts: SmsInbox, sam: Any, verified: Any
) -> None:
    req, text = _ask(client, {**maria_form, "email": "maria@example.org"})
    page = verified(sam).get(f"/staff/requests/{req.pk}/").content.decode()
    assert page.count("Confirmation to the patient") == 2 and "Notice to the schedulers" in page
    assert text.body in page and "Waiting" in page
    run_once()
    page = client.get(f"/staff/requests/{req.pk}/").content.decode()
    text.refresh_from_db()
    assert "Sent" in page and text.provider_message_id in page
