"""Two-way texts: signature, STOP/HELP/confirm in English and Spanish, consent per number,
caps and the sending window."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kyphoplan.followup.dispatch import dispatch_due_checkins
from kyphoplan.followup.models import CheckIn
from kyphoplan.followup.timepoints import TimePoint
from kyphoplan.messaging.consent import may_text
from kyphoplan.messaging.gate import CHECKIN_KIND, next_send_time
from kyphoplan.messaging.keywords import classify
from kyphoplan.messaging.models import ConsentState, InboundMessage, Keyword, Purpose, SmsConsent
from kyphoplan.reminders.models import Reminder, ReminderChannel, ReminderStatus
from tests.followup.conftest import post_sms
from tests.pathway.fixtures import NOW, START

NY = ZoneInfo("America/New_York")


@pytest.mark.parametrize(("body", "keyword"), [
    ("STOP", Keyword.STOP), ("stop.", Keyword.STOP), ("No más", Keyword.STOP), ("NO MAS gracias", Keyword.STOP),
    ("Cancelar", Keyword.STOP), ("baja", Keyword.STOP), ("parar", Keyword.STOP), ("Unsubscribe", Keyword.STOP),
    ("opt out", Keyword.STOP), ("Quit", Keyword.STOP), ("revoke", Keyword.STOP), ("end", Keyword.STOP),
    ("HELP", Keyword.HELP), ("Ayuda", Keyword.HELP), ("yes", Keyword.CONFIRM), ("Sí", Keyword.CONFIRM),
    ("confirmo", Keyword.CONFIRM), ("I can't stop the pain", Keyword.OTHER),
    ("no más dolor, gracias a Dios", Keyword.OTHER), ("Cancel my appointment please?", Keyword.OTHER),
])
def test_it_reads_keywords_only_when_they_stand_alone(body: str, keyword: Keyword) -> None:
    assert classify(body) == keyword


@pytest.mark.django_db
def test_it_refuses_a_webhook_without_a_valid_signature(client: Any, sms_token: str) -> None:
    assert post_sms(client, "STOP", sign=False).status_code == 403
    assert post_sms(client, "STOP", token="wrong").status_code == 403
    assert not InboundMessage.objects.exists() and not SmsConsent.objects.exists()


@pytest.mark.django_db
def test_it_honours_a_spanish_stop_for_everyone_on_the_number_at_once(
    booked: Any, client: Any, sms_token: str, sam: Any,
) -> None:
    from kyphoplan.cases.services import CaseDetails, open_case

    # Maria's daughter uses the same phone for her own care.
    sister = open_case(sam, CaseDetails(patient_name="Lucia Test", phone_e164=booked.phone_e164, language="es",
                                        sms_reminders=True), ip=None, now=NOW)
    queued = Reminder.objects.filter(to=booked.phone_e164, channel=ReminderChannel.SMS,
                                     status=ReminderStatus.SCHEDULED).count()
    assert queued > 0
    response = post_sms(client, "No más")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/xml")
    text = response.content.decode()
    assert "no le enviaremos más mensajes" in text
    assert not Reminder.objects.filter(to=booked.phone_e164, channel=ReminderChannel.SMS,
                                       status=ReminderStatus.SCHEDULED).exists()
    for purpose in Purpose:
        assert not may_text(booked.phone_e164, purpose, case_opted_in=True)
    assert sister.phone_e164 == booked.phone_e164
    # The same delivery again (provider retry): same answer, one record.
    again = post_sms(client, "No más")
    assert again.content == response.content and InboundMessage.objects.count() == 1
    # Follow-up now goes by email.
    baseline = CheckIn.objects.get(case=booked, timepoint=TimePoint.BASELINE)
    dispatch_due_checkins(baseline.due_at)
    sent = Reminder.objects.get(case=booked, kind=CHECKIN_KIND)
    assert sent.channel == ReminderChannel.EMAIL


@pytest.mark.django_db
def test_it_answers_help_with_the_practice_contact_under_160_characters(client: Any, sms_token: str) -> None:
    from kyphoplan.web.practice import get_practice

    for sid, body in (("SM10", "HELP"), ("SM11", "ayuda")):
        reply = post_sms(client, body, sid=sid).content.decode()
        message = reply.split("<Message>")[1].split("</Message>")[0]
        assert get_practice().phone in message and "STOP" in message and len(message) <= 160, message
    assert not SmsConsent.objects.exists()  # HELP is not an opt-out


@pytest.mark.django_db
def test_it_confirms_the_next_visit_by_text(booked: Any, client: Any, sms_token: str) -> None:
    text = post_sms(client, "Sí", sid="SM20").content.decode()
    assert "confirmada" in text and "14" in text
    assert InboundMessage.objects.get(provider_sid="SM20").keyword == Keyword.CONFIRM


@pytest.mark.django_db
def test_it_puts_free_text_on_the_nurse_worklist(client: Any, sms_token: str) -> None:
    post_sms(client, "Me duele mucho desde ayer", sid="SM30")
    message = InboundMessage.objects.get(provider_sid="SM30")
    assert message.keyword == Keyword.OTHER and message.handled_at is None


@pytest.mark.django_db
def test_it_keeps_to_one_text_a_day_and_three_a_week_per_purpose(booked: Any) -> None:
    phone = booked.phone_e164
    day = datetime(2027, 3, 1, 7, 0, tzinfo=NY)  # a Monday, before the window opens
    first = next_send_time(phone, Purpose.FOLLOW_UP, day, NY)
    assert first == datetime(2027, 3, 1, 9, 0, tzinfo=NY)

    def queue(at: datetime, kind: str = CHECKIN_KIND) -> None:
        Reminder.objects.create(case=booked, key=f"t-{at.isoformat()}-{kind}", kind=kind, channel="sms", to=phone,
                                language="es", subject="", body="x", send_at=at, event_at=at, next_attempt_at=at)

    queue(first)
    assert next_send_time(phone, Purpose.FOLLOW_UP, first, NY) == datetime(2027, 3, 2, 9, 0, tzinfo=NY)
    queue(datetime(2027, 3, 2, 9, 0, tzinfo=NY))
    queue(datetime(2027, 3, 3, 9, 0, tzinfo=NY))
    # Three this week: the next goes out when the 7-day window has room again.
    assert next_send_time(phone, Purpose.FOLLOW_UP, first, NY) == datetime(2027, 3, 8, 9, 0, tzinfo=NY)
    # Another purpose has its own caps.
    assert next_send_time(phone, Purpose.APPOINTMENT, first, NY) == first
    # Late evening → next morning, in the patient's zone.
    assert next_send_time("+15550000000", Purpose.FOLLOW_UP, datetime(2027, 3, 1, 20, 30, tzinfo=NY), NY) == \
        datetime(2027, 3, 2, 9, 0, tzinfo=NY)


@pytest.mark.django_db
def test_it_never_texts_again_after_an_opt_out_even_if_the_case_says_yes(booked: Any) -> None:
    from kyphoplan.messaging.consent import revoke_number

    revoke_number(booked.phone_e164, inbound=None, now=START - timedelta(days=1))
    assert SmsConsent.objects.filter(state=ConsentState.REVOKED).count() == len(Purpose)
    assert not may_text(booked.phone_e164, Purpose.FOLLOW_UP, case_opted_in=True)
