"""Times are shown in the practice's zone (America/Los_Angeles here), never in the server's UTC."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kyphoplan.callbacks.models import CallbackRequest

pytestmark = pytest.mark.django_db

# Wednesday 2 December 2026, 10:00 in Los Angeles (18:00 UTC). Four business hours on: 14:00
# there, 22:00 UTC. The bug this guards against promised the UTC hour.
WEDNESDAY_10AM_LA = "2026-12-02T18:00:00+00:00"


def test_it_promises_maria_the_call_back_in_practice_time_in_spanish(
    client: Client, maria_form: dict, clock: Any
) -> None:
    clock.move_to(WEDNESDAY_10AM_LA)
    response = client.post("/es/pida-una-llamada/", maria_form)
    thanks = client.get(response["Location"]).content.decode()
    assert "a más tardar el miércoles 2 de diciembre, a las 14:00." in thanks, thanks
    assert "22:00" not in thanks


def test_it_promises_the_call_back_in_practice_time_in_english(
    client: Client, maria_form: dict, clock: Any
) -> None:
    clock.move_to(WEDNESDAY_10AM_LA)
    response = client.post("/en/request-a-call/", maria_form)
    thanks = client.get(response["Location"]).content.decode()
    assert "We will call you by Wednesday, December 2, at 2:00 PM." in thanks, thanks


def test_it_shows_sam_the_queue_in_practice_time_with_the_zone(
    client: Client, maria_form: dict, clock: Any, sam: Any, verified: Any
) -> None:
    clock.move_to(WEDNESDAY_10AM_LA)
    client.post("/en/request-a-call/", maria_form)
    req = CallbackRequest.objects.get()
    staff = verified(sam)
    queue = staff.get("/staff/requests/").content.decode()
    assert "Wed 2 Dec, 14:00" in queue and "America/Los_Angeles, PST" in queue
    detail = staff.get(f"/staff/requests/{req.pk}/").content.decode()
    assert "Wed 2 Dec 2026, 10:00" in detail and "Wed 2 Dec 2026, 14:00" in detail


def test_it_confirms_by_email_in_maria_language_and_practice_time(
    client: Client, maria_form: dict, clock: Any
) -> None:
    from kyphoplan.outbox.models import OutboxMessage
    from tests.spanish_text import spanish_problems

    clock.move_to(WEDNESDAY_10AM_LA)
    client.post("/es/pida-una-llamada/", {**maria_form, "email": "maria@example.org"})
    req = CallbackRequest.objects.get()
    [mail] = OutboxMessage.objects.filter(kind="callback.confirm")
    assert mail.to == "maria@example.org" and mail.subject == f"Recibimos su pedido {req.reference}"
    assert "a más tardar el miércoles 2 de diciembre, a las 14:00." in mail.body, mail.body
    assert req.name not in mail.body and spanish_problems(mail.body) == []


def test_it_sends_no_confirmation_without_an_address(client: Client, maria_form: dict) -> None:
    from kyphoplan.outbox.models import OutboxMessage

    client.post("/en/request-a-call/", maria_form)
    assert not OutboxMessage.objects.filter(kind="callback.confirm").exists()
