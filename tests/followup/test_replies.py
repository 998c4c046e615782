"""What patients' texts do beyond STOP and HELP: a "yes" confirms the visit through the
pathway; START never turns texts back on (staff record a new consent on their own screen);
free text and written check-in answers are read for red-flag words in English and Spanish."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from kyphoplan.audit.models import AuditEvent
from kyphoplan.booking.models import Booking, BookingStatus
from kyphoplan.followup.answers import answer_checkin
from kyphoplan.followup.models import CheckIn, StaffAlert
from kyphoplan.followup.timepoints import TimePoint
from kyphoplan.messaging.consent import may_text
from kyphoplan.messaging.keywords import classify
from kyphoplan.messaging.models import ConsentState, InboundMessage, Keyword, Purpose, SmsConsent
from kyphoplan.outbox.models import OutboxMessage
from tests.followup.conftest import post_sms
from tests.followup.test_checkins import FULL
from tests.pathway.fixtures import NOW, START

pytestmark = pytest.mark.django_db


def _message(text: str) -> str:
    return text.split("<Message>")[1].split("</Message>")[0] if "<Message>" in text else ""


def _sister(booked: Any, sam: Any) -> Any:
    """Lucia, Maria's daughter, uses the same phone for her own care."""
    from kyphoplan.cases.services import CaseDetails, open_case

    return open_case(sam, CaseDetails(patient_name="Lucia Test", phone_e164=booked.phone_e164, language="es",
                                      sms_reminders=True), ip=None, now=NOW)


# A "yes" confirms the visit ---------------------------------------------------------------


def test_it_confirms_marias_booking_when_she_replies_si_and_shows_it_on_her_case(
    booked: Any, client: Any, sms_token: str, nora: Any, verified: Any, clock: Any,
) -> None:
    clock.move_to(NOW)
    reply = _message(post_sms(client, "Sí", sid="SM40").content.decode())
    assert "confirmada" in reply
    booking = Booking.objects.get(case=booked, status=BookingStatus.ACTIVE)
    assert booking.confirmed_at is not None and booking.confirmed_via == "text"
    row = AuditEvent.objects.get(object_type="booking", object_id=str(booking.pk), actor_username="patient-sms")
    assert row.detail["confirmed_by_patient"] == "text"
    assert InboundMessage.objects.get(provider_sid="SM40").handled_at is not None  # nothing left for staff
    post_sms(client, "Sí", sid="SM40")  # the provider retries: nothing changes twice
    assert AuditEvent.objects.filter(object_type="booking", actor_username="patient-sms").count() == 1
    page = verified(nora).get(f"/staff/cases/{booked.pk}/").content.decode()
    assert "Confirmed by the patient (text)" in page


@pytest.mark.parametrize("body", ["yes", "Confirm", "confirmo", "Sí, gracias"])
def test_it_reads_each_confirm_word_in_english_and_spanish(booked: Any, client: Any, sms_token: str,
                                                           body: str, clock: Any) -> None:
    clock.move_to(NOW)
    post_sms(client, body, sid="SM41")
    assert Booking.objects.get(case=booked, status=BookingStatus.ACTIVE).confirmed_at is not None


def test_it_asks_again_once_sam_moves_the_booking(booked: Any, client: Any, sms_token: str, sam: Any, rooms: Any,
                                                  clock: Any) -> None:
    from kyphoplan.pathway.services import book

    clock.move_to(NOW)
    post_sms(client, "yes", sid="SM42")
    book(sam, booked, room=rooms["room1"], start=START + timedelta(days=1), ip=None, now=NOW)
    assert Booking.objects.get(case=booked, status=BookingStatus.ACTIVE).confirmed_at is None


def test_it_sends_an_unclear_yes_to_staff_instead_of_guessing(booked: Any, client: Any, sms_token: str, sam: Any,
                                                              rooms: Any, clock: Any) -> None:
    from kyphoplan.pathway.services import book

    clock.move_to(NOW)
    lucia = _sister(booked, sam)
    lucia.levels_to_treat = ["L1"]
    lucia.save()
    book(sam, lucia, room=rooms["room1"], start=START + timedelta(days=2), ip=None, now=NOW)
    reply = _message(post_sms(client, "yes", sid="SM43").content.decode())
    assert "which visit" in reply.lower() or "qué cita" in reply
    assert not Booking.objects.filter(confirmed_at__isnull=False).exists()
    message = InboundMessage.objects.get(provider_sid="SM43")
    assert message.to_staff and message.handled_at is None and "more than one visit" in message.staff_note
    # A "yes" with more words is free text for staff, never a confirmation.
    post_sms(client, "yes but can we make it Tuesday?", sid="SM44")
    assert InboundMessage.objects.get(provider_sid="SM44").keyword == Keyword.OTHER
    assert not Booking.objects.filter(confirmed_at__isnull=False).exists()


def test_it_sends_a_yes_with_no_visit_to_staff(client: Any, sms_token: str) -> None:
    reply = _message(post_sms(client, "sí", sid="SM45").content.decode())
    assert "no encontramos" in reply
    message = InboundMessage.objects.get(provider_sid="SM45")
    assert message.to_staff and "no visit" in message.staff_note


# START never re-subscribes ----------------------------------------------------------------


@pytest.mark.parametrize("body", ["START", "unstop", "Sí, reanudar", "reanudar", "Resume"])
def test_it_reads_start_words_in_english_and_spanish(body: str) -> None:
    assert classify(body) == Keyword.START


def test_it_never_opts_marias_number_back_in_by_text_and_tells_staff(
    booked: Any, client: Any, sms_token: str, nora: Any, verified: Any,
) -> None:
    post_sms(client, "STOP", sid="SM50")
    response = post_sms(client, "Sí, reanudar", sid="SM51").content.decode()
    assert "<Message>" not in response and "<Response></Response>" in response  # no second text to an opt-out
    for purpose in Purpose:
        assert not may_text(booked.phone_e164, purpose, case_opted_in=True)
    assert SmsConsent.objects.filter(state=ConsentState.GRANTED).count() == 0
    message = InboundMessage.objects.get(provider_sid="SM51")
    assert message.keyword == Keyword.START and message.to_staff and message.handled_at is None
    page = verified(nora).get("/staff/followup/").content.decode()
    assert "Sí, reanudar" in page and "Nothing changed" in page and "/staff/followup/consent/?phone=" in page


def test_it_lets_nora_record_a_new_consent_showing_who_shares_the_number(
    booked: Any, client: Any, sms_token: str, sam: Any, nora: Any, verified: Any,
) -> None:
    _sister(booked, sam)
    post_sms(client, "No más", sid="SM52")
    nora_client = verified(nora)
    page = nora_client.get("/staff/followup/consent/", {"phone": booked.phone_e164}).content.decode()
    assert booked.reference in page and "Lucia Test" in page and "This number is shared" in page
    assert "Opted out" in page and "Record consent" in page
    refused = nora_client.post("/staff/followup/consent/record/", {"phone": booked.phone_e164,
                                                                   "purpose": "follow_up", "asked": "yes"})
    assert refused.status_code == 302 and not SmsConsent.objects.filter(state=ConsentState.GRANTED).exists()
    nora_client.post("/staff/followup/consent/record/", {
        "phone": booked.phone_e164, "purpose": "follow_up", "asked": "yes", "reason": "asked by phone 2026-11-20"})
    assert may_text(booked.phone_e164, Purpose.FOLLOW_UP, case_opted_in=False)
    assert not may_text(booked.phone_e164, Purpose.APPOINTMENT, case_opted_in=True)  # only what she asked for
    row = SmsConsent.objects.get(state=ConsentState.GRANTED)
    assert (row.recorded_by, row.reason) == (nora, "asked by phone 2026-11-20")
    audit = AuditEvent.objects.get(object_type="sms_consent", action="create")
    assert audit.actor_username == "nora" and audit.detail["reason"] == "asked by phone 2026-11-20"
    assert audit.detail["shared_by"] == 2


def test_it_refuses_a_consent_from_sam_and_a_number_that_is_not_one(
    booked: Any, sam: Any, verified: Any, client: Any,
) -> None:
    sam_client = verified(sam)
    page = sam_client.get("/staff/followup/consent/", {"phone": booked.phone_e164}).content.decode()
    assert booked.reference in page and "Record consent" not in page  # schedulers see, nurses record
    denied = sam_client.post("/staff/followup/consent/record/", {
        "phone": booked.phone_e164, "purpose": "follow_up", "asked": "yes", "reason": "asked by phone"})
    assert denied.status_code == 403 and not SmsConsent.objects.exists()
    assert sam_client.get("/staff/followup/consent/", {"phone": "555-0132"}).status_code == 400


# Red-flag words ---------------------------------------------------------------------------

RED = [
    ("I have had a fever since last night", "Fever or chills"),
    ("tengo fiebre y escalofríos desde anoche", "Fever or chills"),
    ("No fever, but my back hurts", "Fever or chills"),  # a negation still raises: a nurse reads it
    ("No tengo fiebre", "Fever or chills"),
    ("I can't move my legs this morning", "New leg weakness"),
    ("no puedo mover las piernas", "New leg weakness"),
    ("I fell in the bathroom yesterday", "Fall"),
    ("me caí en la cocina", "Fall"),
    ("new severe pain in my lower back", "New severe pain"),
    ("Tengo un dolor muy fuerte en la espalda", "New severe pain"),
    ("my right foot is numb", "Numbness or tingling"),
    ("siento entumecimiento en la pierna", "Numbness or tingling"),
    ("I wet myself, I can't control my bladder", "Loss of bladder or bowel control"),
    ("no puedo orinar desde ayer", "Loss of bladder or bowel control"),
    # Said as a verb, not a noun (an outside tester's texts raised nothing).
    ("me duele el pecho", "Chest pain or trouble breathing"),
    ("my chest hurts since this morning", "Chest pain or trouble breathing"),
    ("siento opresión en el pecho y me ahogo", "Chest pain or trouble breathing"),
    ("my chest feels tight and I am gasping", "Chest pain or trouble breathing"),
]
CALM = ["Thank you, I feel much better", "Gracias, estoy mucho mejor", "What time should I arrive?",
        "¿A qué hora llego?", "My daughter will drive me", "Can I take a shower?"]


@pytest.mark.parametrize(("body", "label"), RED)
def test_it_raises_an_alert_for_red_flag_words_in_a_text(booked: Any, client: Any, sms_token: str, body: str,
                                                         label: str) -> None:
    post_sms(client, body, sid="SM60")
    alert = StaffAlert.objects.get(case=booked)
    assert any(r.startswith(label) for r in alert.reasons), alert.reasons
    message = InboundMessage.objects.get(provider_sid="SM60")
    assert message.to_staff and message.staff_note.startswith("Red-flag words")
    mail = OutboxMessage.objects.get(kind="followup-red-flag")
    assert booked.reference in mail.subject and body not in mail.body  # the patient's words stay off email


@pytest.mark.parametrize("body", CALM)
def test_it_raises_nothing_for_calm_texts_but_still_shows_them(booked: Any, client: Any, sms_token: str,
                                                               body: str) -> None:
    post_sms(client, body, sid="SM61")
    assert not StaffAlert.objects.exists()
    assert InboundMessage.objects.get(provider_sid="SM61").to_staff


def test_it_raises_for_each_patient_on_a_shared_phone(booked: Any, client: Any, sms_token: str, sam: Any) -> None:
    lucia = _sister(booked, sam)
    post_sms(client, "Se cayó mi mamá", sid="SM62")
    assert set(StaffAlert.objects.values_list("case_id", flat=True)) == {booked.pk, lucia.pk}


def test_it_tells_the_inbox_of_red_flag_words_from_a_number_no_case_has(client: Any, sms_token: str) -> None:
    post_sms(client, "My mother fell and can't move her legs", phone="+14155550199", sid="SM63")
    assert not StaffAlert.objects.exists()
    mail = OutboxMessage.objects.get(kind="followup-red-flag")
    assert "no case has this number" in mail.subject and "Fall" in mail.body and "New leg weakness" in mail.body
    assert InboundMessage.objects.get(provider_sid="SM63").staff_note.startswith("Red-flag words")


def test_it_reads_the_written_check_in_answer_for_red_flag_words(booked: Any) -> None:
    row = CheckIn.objects.get(case=booked, timepoint=TimePoint.DAY_7)
    answered = answer_checkin(row, {**FULL, "questions": "Me caí ayer y ahora tengo hormigueo en el pie"},
                              now=row.due_at)
    alert = StaffAlert.objects.get(case=booked, checkin=answered)
    assert [r.split(":")[0] for r in alert.reasons] == ["Fall", "Numbness or tingling"]
    assert answered.red_flags == alert.reasons
    quiet = CheckIn.objects.get(case=booked, timepoint=TimePoint.MONTH_1)
    answer_checkin(quiet, {**FULL, "questions": "¿Cuándo puedo manejar?"}, now=quiet.due_at)
    assert StaffAlert.objects.count() == 1


def test_it_sends_no_text_queued_after_stop_until_nora_records_a_new_consent(
    booked: Any, client: Any, sms_token: str, nora: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.utils import timezone

    from kyphoplan.messaging.consent import grant
    from kyphoplan.reminders import delivery
    from kyphoplan.reminders.config import get_config
    from kyphoplan.reminders.models import Reminder, ReminderStatus
    from tests.reminders.sinks import SmsSink

    post_sms(client, "STOP", sid="SM70")
    now = timezone.now()

    def queued(key: str) -> Any:  # what a re-signed plan or a link sent by staff would queue later
        return Reminder.objects.create(case=booked, key=key, kind="arrival-morning", channel="sms",
                                       to=booked.phone_e164, language="es", subject="", body="Llegue a las 7.",
                                       send_at=now, event_at=now, next_attempt_at=now - timedelta(seconds=1))

    with SmsSink() as sink:
        monkeypatch.setenv("KYPHOPLAN_SMS_API_URL", sink.url)
        get_config.cache_clear()
        late = queued("after-stop")
        delivery.run_once()
        late.refresh_from_db()
        assert late.status == ReminderStatus.CANCELLED and "STOP" in late.last_error and sink.requests == []
        grant(nora, booked.phone_e164, Purpose.APPOINTMENT, reason="asked at the front desk 2026-12-01", ip=None,
              now=timezone.now())
        again = queued("after-grant")
        delivery.run_once()
        again.refresh_from_db()
        assert again.status == ReminderStatus.SENT and len(sink.requests) == 1
    get_config.cache_clear()


def test_it_opens_the_consent_page_from_a_typed_link_whose_plus_became_a_space(
    booked: Any, nora: Any, verified: Any,
) -> None:
    """docs/followup.md shows ?phone=+1…; typed into a browser, the "+" arrives as a space."""
    nora_client = verified(nora)
    typed = nora_client.get(f"/staff/followup/consent/?phone={booked.phone_e164}")  # "+1415…" as typed
    assert typed.status_code == 200 and booked.reference in typed.content.decode()
    national = nora_client.get("/staff/followup/consent/", {"phone": "(415) 555-0132"})
    assert national.status_code == 200 and booked.reference in national.content.decode()
