"""The whole pathway in a real browser: a call-back becomes a case, Maria gets her intake
link by email (a real SMTP server) and answers on a phone in Spanish, Nora reviews and
signs, Sam books, and Maria gets her plan link by text message (a local Twilio-compatible
server) and opens her plan page, its PDF and its calendar file."""

from __future__ import annotations

import io
import os
import re
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest
from django.utils import timezone
from pypdf import PdfReader

from kyphoplan.callbacks.models import Outcome
from kyphoplan.callbacks.services import record_attempt
from kyphoplan.cases import config as pathway_config
from kyphoplan.cases.models import Case
from kyphoplan.reminders import config as reminder_config
from kyphoplan.reminders.delivery import run_once
from kyphoplan.reminders.models import Reminder
from kyphoplan.web.practice import get_practice
from tests.pathway.conftest import fits_the_screen
from tests.pathway.fixtures import future_monday
from tests.pathway.review_page import acknowledge_and_sign
from tests.reminders.sinks import SmsSink, SmtpSink

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def links_point_here(live_server: Any, monkeypatch: Any) -> Any:
    """Links in messages use KYPHOPLAN_BASE_URL; here, the test server. Settings are cached."""
    monkeypatch.setenv("KYPHOPLAN_BASE_URL", live_server.url)
    pathway_config.get_config.cache_clear()
    yield
    monkeypatch.undo()
    pathway_config.get_config.cache_clear()
    reminder_config.get_config.cache_clear()


def _shot(page: Any, name: str) -> None:
    """KYPHOPLAN_SCREENSHOTS=dir keeps full-page screenshots for a person to look at."""
    folder = os.environ.get("KYPHOPLAN_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_it_takes_maria_from_a_call_back_to_her_printed_plan(
    staff_page: Any, phone_page: Any, live_server: Any, maria_request: Any, sam: Any, nora: Any, rooms: Any,
    settings: Any, monkeypatch: Any,
) -> None:
    base = live_server.url
    start = future_monday()
    record_attempt(sam, maria_request, outcome=Outcome.REACHED, note="", ip=None, now=timezone.now())

    # Sam makes a case from the call-back, sets the levels and a provisional date.
    s = staff_page(sam)
    s.goto(base + "/staff/cases/new/")
    s.get_by_role("button", name=f"Make a case from {maria_request.reference}").click()
    s.get_by_text("is open").wait_for()
    case = Case.objects.get(callback=maria_request)
    s.get_by_role("link", name="Edit case").click()
    s.get_by_label("Levels to treat").fill("T12, L1")
    s.get_by_label("Email", exact=True).fill("maria@example.org")
    s.get_by_label("Provisional date and time (practice time)").fill(start.strftime("%Y-%m-%dT%H:%M"))
    s.get_by_role("button", name="Save").click()
    s.get_by_text("Saved.").wait_for()
    s.get_by_label("Send the intake link by").select_option("email")
    s.get_by_role("button", name="Send intake link").click()
    s.get_by_text("queued to go by email").wait_for()
    # The worker hands it to a real SMTP server; Maria taps the link in the email.
    with SmtpSink() as smtp:
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
        assert run_once() == {"sent": 1}
    [email] = smtp.messages
    assert email["To"] == "maria@example.org" and email["Subject"] == "Preguntas antes de su procedimiento"
    link = re.search(r"https?://\S+/es/p/intake/\S+/", email.get_content()).group(0)

    # Maria, on her phone, in Spanish: live recognition, a line she is not sure about, save, resume, send.
    m = phone_page
    m.goto(link)
    m.get_by_role("heading", name="Preguntas antes de su procedimiento").wait_for()
    assert "/p/intake/" in m.url and link.split("/")[-2] not in m.url  # the token left the address bar
    m.get_by_label("Medicina 1").fill("Plavix 75 mg once daily")
    m.locator('.recog[data-for="id_med_0"]').get_by_text("clopidogrel").wait_for()
    m.get_by_label("Medicina 2").fill("pastilla blanca para el corazón")
    m.locator("#id_unsure_1").check()
    m.get_by_text("Sus respuestas están guardadas.").wait_for()  # saved as she goes, no button
    m.get_by_label("Alergia a").first.fill("mariscos")
    m.get_by_label("Qué le pasó").first.fill("ronchas")
    m.get_by_role("button", name="Guardar para después").click()
    m.get_by_text("Guardado.").wait_for()
    _shot(m, "1-intake-phone")
    assert fits_the_screen(m)
    m.goto(link)  # later: the same link brings her answers back
    assert m.get_by_label("Medicina 1").input_value() == "Plavix 75 mg once daily"
    m.locator("#id_diabetes_0").check()  # No
    m.locator("#id_smoker_1").check()  # No
    m.locator("#id_has_escort_0").check()  # Sí
    m.get_by_label("¿Quién lo llevará a su casa? (nombre y teléfono)").fill("Luis, 415 555 0100")
    m.get_by_role("button", name="Revisar mis respuestas y enviar").click()
    m.get_by_role("heading", name="Revise sus respuestas").wait_for()
    m.get_by_role("button", name="Sí, enviar mis respuestas").click()
    m.get_by_role("heading", name="Gracias. Tenemos sus respuestas.").wait_for()

    # Nora reviews: every flag with its source; she adds an instruction and signs.
    n = staff_page(nora)
    n.goto(base + f"/staff/cases/{case.pk}/plan/")
    n.get_by_role("heading", name="Version 1 — not signed").wait_for()
    flags = n.locator("#flags").inner_text()
    assert "prescriber-consult" in flags and "SIR2019" in flags
    assert "unrecognized-medication" in flags
    n.locator("#add-text").fill("Traiga sus lentes.")
    n.locator("#add-reason").fill("Ve poco de cerca")
    n.get_by_role("button", name="Add instruction").click()
    n.get_by_text("Change saved on this version.").wait_for()
    acknowledge_and_sign(n, 1)
    _shot(n, "2-review-signed")

    # Sam books the provisional time in Room 1: same date, so the signed plan stands.
    s.goto(base + f"/staff/cases/{case.pk}/book/")
    s.locator(f'input[name="start"][value="{start.isoformat()}"]').first.check()
    s.get_by_role("button", name="Book in Room 1").click()
    s.get_by_text("Booked.").wait_for()
    assert s.locator("#case-status").inner_text() == "Scheduled"
    _shot(s, "3-case-booked")
    assert Reminder.objects.filter(case=case, kind="last-dose", drug="clopidogrel").exists()
    # The plan link goes by text message, through a Twilio-compatible API.
    with SmsSink() as sms:
        for name, value in {"URL": sms.url, "ACCOUNT_SID": "AC1", "AUTH_TOKEN": "t", "FROM": "+15550100100"}.items():
            monkeypatch.setenv(f"KYPHOPLAN_SMS_{name}" if name != "URL" else "KYPHOPLAN_SMS_API_URL", value)
        reminder_config.get_config.cache_clear()
        s.get_by_label("Send the plan link by").select_option("sms")
        s.get_by_role("button", name="Send plan link").click()
        s.get_by_text("queued to go by text message").wait_for()
        assert run_once() == {"sent": 1}  # only the link: the reminders are days away
    [text] = sms.requests
    assert text["form"]["To"] == maria_request.phone_e164
    plan_link = re.search(r"https?://\S+/es/p/plan/\S+/", text["form"]["Body"]).group(0)

    # Maria's plan: day by day, in Spanish, with the PDF and the calendar.
    m.goto(plan_link)
    m.get_by_role("heading", name="Su plan para prepararse").wait_for()
    page_text = m.locator("main").inner_text()
    _shot(m, "4-plan-phone")
    assert "clopidogrel" in page_text and "Traiga sus lentes." in page_text
    assert fits_the_screen(m)
    with m.expect_download() as pdf_download:
        m.get_by_role("link", name="Imprimir (PDF)").click()
    pdf = PdfReader(io.BytesIO(Path(pdf_download.value.path()).read_bytes()))
    pdf_text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert get_practice().name in pdf_text and get_practice().address in pdf_text
    assert "Lista de medicinas para traer" in pdf_text and "Plavix 75 mg once daily" in pdf_text
    with m.expect_download() as ics_download:
        m.get_by_role("link", name="Agregar a mi calendario").click()
    cal = icalendar.Calendar.from_ical(Path(ics_download.value.path()).read_bytes())
    events = {str(e["summary"]): e["dtstart"].dt for e in cal.walk("VEVENT")}
    assert "Último día de clopidogrel" in events
    arrive = events["Llegue para su procedimiento"]
    assert arrive.astimezone(UTC) == (start - timedelta(hours=1)).astimezone(UTC)
    assert all(e.walk("VALARM") for e in cal.walk("VEVENT"))
