"""Maria asks for a call on the public site."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from kyphoplan.audit.models import Action, AuditEvent
from kyphoplan.callbacks.models import CallbackRequest, Status
from kyphoplan.outbox.models import MessageStatus, OutboxMessage

pytestmark = pytest.mark.django_db


def test_it_shows_the_form_with_a_fresh_token(client: Client) -> None:
    r1 = client.get("/en/request-a-call/")
    r2 = client.get("/en/request-a-call/")
    assert r1.status_code == 200
    t1 = r1.context["form"].initial["form_token"]
    assert t1 != r2.context["form"].initial["form_token"]
    assert 'name="website"' in r1.content.decode()


def test_it_stores_maria_request_with_an_e164_phone(client: Client, maria_form: dict, send_form: Any) -> None:
    response = send_form(client, maria_form)
    assert response.status_code == 302
    req = CallbackRequest.objects.get()
    assert req.phone_e164 == "+14155550132"
    assert req.status == Status.NEW
    assert req.best_days == ["mon", "thu"]
    assert req.consent_call and req.consent_text
    assert req.due_by > req.created_at
    assert req.reference.startswith("KP-")

    thanks = client.get(response["Location"])
    body = thanks.content.decode()
    assert thanks.status_code == 200
    assert req.reference in body
    assert "We will call you by" in body
    assert "Maria" not in body  # the page is reachable by link: it shows no patient data


def test_it_writes_the_audit_row_and_the_staff_email_in_the_same_commit(
    client: Client, maria_form: dict, send_form: Any
) -> None:
    send_form(client, maria_form)
    req = CallbackRequest.objects.get()
    event = AuditEvent.objects.get(action=Action.CREATE)
    assert event.object_id == str(req.pk)
    assert event.ip == "127.0.0.1"
    msg = OutboxMessage.objects.get()
    assert msg.status == MessageStatus.PENDING
    assert msg.to == "scheduling@example.org"
    assert req.reference in msg.body
    # Email is not a safe channel: no name, phone or email in it.
    assert "Maria" not in msg.body + msg.subject
    assert "5550132" not in msg.body


def test_it_creates_one_request_when_the_form_is_sent_twice(
    client: Client, maria_form: dict, send_form: Any
) -> None:
    first = send_form(client, maria_form)
    second = send_form(client, maria_form)
    # Both answers lead to the same request's thanks page. The signed link carries a
    # timestamp, so the two URLs differ when the posts straddle a second: compare
    # the reference each page shows, not the URL text.
    reference = CallbackRequest.objects.get().reference
    for answer in (first, second):
        assert answer.status_code == 302
        assert reference in client.get(answer["Location"]).content.decode()
    assert CallbackRequest.objects.count() == 1
    assert OutboxMessage.objects.count() == 1


@pytest.mark.parametrize(
    ("phone", "problem"),
    [
        ("123", "This number is missing digits"),
        ("555-0132", "Please add the area code"),
        ("not a number", "Please type the number with digits only"),
        ("+1 415 555 013", "This number is missing digits"),
        ("415 555 01234", "This number has too many digits"),
        ("555 010 0123", "No phone line uses this number. Please check the area code"),
    ],
)
def test_it_refuses_a_phone_number_that_cannot_be_called_and_says_why(
    client: Client, maria_form: dict, send_form: Any, phone: str, problem: str
) -> None:
    response = send_form(client, {**maria_form, "phone": phone})
    assert response.status_code == 400
    assert problem in response.content.decode()
    assert not CallbackRequest.objects.exists()


def test_it_accepts_the_example_it_gives(client: Client, maria_form: dict, send_form: Any) -> None:
    from kyphoplan.callbacks.forms import PHONE_EXAMPLE

    form_page = client.get("/en/request-a-call/").content.decode()
    assert f"Example: {PHONE_EXAMPLE}" in form_page
    assert send_form(client, {**maria_form, "phone": PHONE_EXAMPLE}).status_code == 302
    assert CallbackRequest.objects.get().phone_e164 == "+14155550123"


def test_it_accepts_an_international_number(client: Client, maria_form: dict, send_form: Any) -> None:
    send_form(client, {**maria_form, "phone": "+52 55 1234 5678"})
    assert CallbackRequest.objects.get().phone_e164 == "+525512345678"


def test_it_needs_consent_to_call(client: Client, maria_form: dict, send_form: Any) -> None:
    data = {k: v for k, v in maria_form.items() if k != "consent_call"}
    response = send_form(client, data)
    assert response.status_code == 400
    assert "so we are allowed to call you" in response.content.decode()


def test_it_drops_a_form_that_fills_the_robot_trap(client: Client, maria_form: dict, send_form: Any) -> None:
    response = send_form(client, {**maria_form, "website": "http://spam.example"})
    assert response.status_code == 400
    assert not CallbackRequest.objects.exists()


def test_it_limits_requests_per_address_with_a_clear_message(
    client: Client, maria_form: dict, send_form: Any, settings: Any
) -> None:
    settings.CALLBACK_RATE_LIMIT = 3
    settings.CALLBACK_PHONE_RATE_LIMIT = 100  # this test is about the address alone
    for i in range(3):
        r = send_form(client, {**maria_form, "form_token": f"token-rate-limit-{i:08d}"})
        assert r.status_code == 302
    blocked = send_form(client, {**maria_form, "form_token": "token-rate-limit-99999999"})
    assert blocked.status_code == 429
    assert "wait one hour" in blocked.content.decode()
    assert CallbackRequest.objects.count() == 3
    # Another address is not affected.
    other = send_form(
        client, {**maria_form, "form_token": "token-rate-limit-other-0001"}, REMOTE_ADDR="10.1.2.3"
    )
    assert other.status_code == 302
    # A double submit of an accepted form still answers, even over the limit.
    again = send_form(client, {**maria_form, "form_token": "token-rate-limit-00000000"})
    assert again.status_code == 302


def test_it_takes_a_whole_senior_centre_asking_from_one_address(
    client: Client, maria_form: dict, send_form: Any
) -> None:
    """Maria and her neighbours ask from the centre's one internet address, one after the other:
    with the practice's default limits every one of them goes in."""
    for i in range(20):
        form = {**maria_form, "phone": f"(415) 555-01{i + 10:02d}", "form_token": f"token-centre-{i:08d}"}
        assert send_form(client, form).status_code == 302, i
    assert CallbackRequest.objects.count() == 20


def test_it_limits_requests_for_one_phone_number_from_any_address(
    client: Client, maria_form: dict, send_form: Any
) -> None:
    """A flood (or a prank) repeats the number to call: three a day for one number, whichever
    address sends them; another number from the same address still goes in."""
    for i in range(3):
        form = {**maria_form, "form_token": f"token-phone-limit-{i:08d}"}
        assert send_form(client, form, REMOTE_ADDR=f"10.0.0.{i + 1}").status_code == 302
    blocked = send_form(client, {**maria_form, "form_token": "token-phone-limit-99999999"}, REMOTE_ADDR="10.0.0.9")
    assert blocked.status_code == 429
    assert "several requests to call this number today" in blocked.content.decode()
    other = {**maria_form, "phone": "(415) 555-0188", "form_token": "token-phone-limit-other001"}
    assert send_form(client, other, REMOTE_ADDR="10.0.0.9").status_code == 302
    assert CallbackRequest.objects.count() == 4


def test_it_keeps_patient_data_out_of_urls_and_logs(
    client: Client, maria_form: dict, send_form: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    response = send_form(client, {**maria_form, "email": "maria@example.org"})
    thanks = client.get(response["Location"])
    for secret in ("Maria", "Testpatient", "5550132", "maria@example.org"):
        assert secret not in response["Location"]
        assert secret not in caplog.text
        assert secret not in thanks.content.decode()


def test_it_refuses_a_tampered_thanks_link(client: Client) -> None:
    assert client.get("/en/request-a-call/thanks/KP-AAAA-BBBB/").status_code == 404


def test_it_shows_the_spanish_form_and_confirmation(client: Client, maria_form: dict) -> None:
    page = client.get("/es/pida-una-llamada/")
    assert page.status_code == 200, page.status_code
    response = client.post("/es/pida-una-llamada/", maria_form)
    thanks = client.get(response["Location"]).content.decode()
    assert "Recibimos su pedido" in thanks
    # Spanish dates read "martes 3 de marzo", times on a 24-hour clock.
    assert re.search(r"a más tardar el \w+ \d{1,2} de \w+, a las \d{1,2}:\d\d\.", thanks), thanks


def test_it_sets_due_by_from_business_hours(client: Client, maria_form: dict, send_form: Any) -> None:
    send_form(client, maria_form)
    req = CallbackRequest.objects.get()
    assert timedelta(hours=4) <= req.due_by - req.created_at < timedelta(days=5)


def test_it_tells_the_schedulers_the_reason_in_the_staff_language(client: Client, maria_form: dict) -> None:
    """Maria asks in Spanish; Sam's notice reads English, like his queue (an outside tester saw
    "Reason: Tengo una orden nueva de mi médico")."""
    client.post("/es/pida-una-llamada/", maria_form)
    notice = OutboxMessage.objects.get(kind="callback.new")
    assert "Reason: I have a new referral\n" in notice.body, notice.body
    assert "médico" not in notice.body


def test_it_asks_for_a_direct_number_instead_of_dropping_an_extension(client: Client, maria_form: dict) -> None:
    """An outside tester's "(415)555-0123 ext 5" was saved as +14155550123: the extension was lost."""
    english = client.post("/en/request-a-call/", {**maria_form, "phone": "(415)555-0123 ext 5"})
    assert english.status_code == 400 and "We cannot dial an extension." in english.content.decode()
    spanish = client.post("/es/pida-una-llamada/", {**maria_form, "phone": "415 555 0123 ext. 12"})
    assert spanish.status_code == 400 and "No podemos marcar una extensión." in spanish.content.decode()
    assert not CallbackRequest.objects.exists()
