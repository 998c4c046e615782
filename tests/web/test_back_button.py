"""Maria presses Back after "thanks" and sends the form again: her browser fetches the form
anew and puts her answers back in (no back-forward cache), and she still has one request,
one reference and one confirmation email. Screenshots go to var/screenshots/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kyphoplan.callbacks.models import CallbackRequest
from kyphoplan.outbox.models import OutboxMessage

from .conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "var/screenshots"


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"call-{name}.png"), full_page=True)


def _fill_and_send(page: Any, name: str) -> str:
    page.get_by_label("Su nombre").fill(name)
    page.get_by_label("Número de teléfono").fill("(415) 555-0178")
    page.get_by_label("Cambiar mi cita").check()
    page.get_by_label("Correo electrónico (puede dejarlo vacío)").fill("maria@example.org")
    page.get_by_label("Sí, me pueden llamar a este número.").check()
    return _send(page)


def _send(page: Any) -> str:
    page.get_by_role("button", name="Enviar mi pedido").click()
    page.get_by_role("heading", name="Recibimos su pedido").wait_for()
    return page.locator(".ref").inner_text()


def test_it_keeps_one_request_when_maria_goes_back_and_sends_again(page: Any, live_server: Any) -> None:
    page.goto(live_server.url + "/es/pida-una-llamada/")
    first = _fill_and_send(page, "María Navegador")
    page.go_back()
    assert page.get_by_label("Su nombre").input_value() == "María Navegador"  # the browser put it back
    _shot(page, "back-es-phone")
    told = page.locator("#sent-before").count()
    again = _send(page)
    _shot(page, "resent-es-phone")
    assert again == first
    assert CallbackRequest.objects.count() == 1
    assert OutboxMessage.objects.filter(to="maria@example.org").count() == 1
    assert told == 1  # the form said it was sent already


def test_it_lets_maria_ask_for_someone_else_from_the_same_phone(page: Any, live_server: Any) -> None:
    page.goto(live_server.url + "/es/pida-una-llamada/")
    first = _fill_and_send(page, "María Navegador")
    page.goto(live_server.url + "/es/pida-una-llamada/")
    page.get_by_role("link", name="Pedir una llamada para otra persona").click()
    assert page.locator("#sent-before").count() == 0
    second = _fill_and_send(page, "José Navegador")
    page.go_back()  # and Back after the second one finds the second one
    assert _send(page) == second != first
    assert sorted(CallbackRequest.objects.values_list("name", flat=True)) == ["José Navegador", "María Navegador"]


def test_it_has_no_accessibility_problem_in_the_sent_before_notice(axe_page: Any, live_server: Any) -> None:
    axe_page.goto(live_server.url + "/es/pida-una-llamada/")
    _fill_and_send(axe_page, "Ax E")
    axe_page.goto(live_server.url + "/es/pida-una-llamada/")
    axe_page.locator("#sent-before").wait_for()
    assert axe_violations(axe_page) == []
