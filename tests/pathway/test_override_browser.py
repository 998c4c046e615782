"""Issue 8's override scenario in a real browser (Debian chromium): Nora replaces "stop
aspirin" with "keep taking your aspirin" (coronary stent) and removes the related lines, on
the buttons beside each line; she must acknowledge every high flag to sign. The patient's
plan page, its medicine list, the PDF, the calendar file and the reminder texts all carry
the change; labs entered later make version 2, which carries the override (the review says
so) and needs a second signature, after which every channel still carries it."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import icalendar
import pytest
from django.utils import timezone
from pypdf import PdfReader

from kyphoplan.pathway.services import book, save_intake, submit_intake
from kyphoplan.plans.services import latest
from kyphoplan.reminders.models import Reminder, ReminderStatus
from tests.pathway.fixtures import MARIA_INTAKE, future_monday
from tests.pathway.review_page import acknowledge_and_sign, edit_line, remove_line

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KEEP = "Siga tomando su aspirina todos los días. No la deje antes del procedimiento."
SHOTS = Path("var/screenshots")


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"override-{name}.png"), full_page=True)


def _channels(page: Any, case: Any) -> dict[str, str]:
    """What Maria reads, from the staff preview of her plan page and its downloads."""
    page.goto(f"{page.url.split('/staff/')[0]}/staff/cases/{case.pk}/patient-plan/")
    page.get_by_role("heading", name="Su plan para prepararse").wait_for()
    main = page.locator("main").inner_text()
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Imprimir (PDF)").click()
    pdf = PdfReader(io.BytesIO(Path(pdf_download.value.path()).read_bytes()))
    with page.expect_download() as ics_download:
        page.get_by_role("link", name="Agregar a mi calendario").click()
    cal = icalendar.Calendar.from_ical(Path(ics_download.value.path()).read_bytes())
    reminders = Reminder.objects.filter(case=case, status=ReminderStatus.SCHEDULED, plan_version=latest(case))
    return {
        "page": main,
        "medicines": page.locator("main ul.checklist").last.inner_text(),
        "pdf": " ".join(" ".join(p.extract_text() for p in pdf.pages).split()),
        "calendar": "\n".join(f"{e['summary']}: {e['description']}" for e in cal.walk("VEVENT")),
        "reminders": "\n".join(f"{r.subject} {r.body}" for r in reminders),
    }


def _carries_the_override(channels: dict[str, str]) -> None:
    for name, text in channels.items():
        assert KEEP in text, f"{name} lacks the override:\n{text}"
        assert "Último día de aspirin" not in text and "último día para tomar aspirin" not in text, name
    assert "aspirin 325 mg daily" in channels["medicines"]
    assert "apixabán" in channels["calendar"] or "apixaban" in channels["calendar"]  # Eliquis still held


def test_it_carries_the_nurses_override_to_every_channel_in_the_browser(
    staff_page: Any, live_server: Any, maria_case: Any, nora: Any, sam: Any, rooms: Any,
) -> None:
    start = future_monday()
    maria_case.target_start = start
    maria_case.save()
    answers = {**MARIA_INTAKE, "medicines": [{"text": "aspirin 325 mg daily", "unsure": False},
                                             {"text": "Eliquis 5 mg twice a day", "unsure": False}]}
    now = timezone.now()
    save_intake(maria_case, answers, acting_user=None, ip=None, now=now)
    submit_intake(maria_case, acting_user=None, ip=None, now=now)
    book(sam, maria_case, room=rooms["room1"], start=start, ip=None, now=now)

    n = staff_page(nora)
    n.goto(f"{live_server.url}/staff/cases/{maria_case.pk}/plan/")
    n.get_by_role("heading", name="Version 1 — not signed").wait_for()
    edit_line(n, "stop-medication", "aspirin", KEEP, "Stent coronario: cardiología dice no suspender")
    remove_line(n, "resume-medication", "aspirin", "aspirin is not stopped")
    remove_line(n, "consult-prescriber", "aspirin", "aspirin is not stopped")
    # One click does not sign while high flags are open.
    n.get_by_role("button", name="Sign version 1").click()
    n.get_by_text("Not signed: tick each high flag").wait_for()
    _shot(n, "1-review-acknowledge")
    acknowledge_and_sign(n, 1)
    assert latest(maria_case).acknowledged_flags
    _carries_the_override(_channels(n, maria_case))
    _shot(n, "2-patient-plan")

    # Labs entered on the case page make version 2; the override comes along, and says so.
    n.goto(f"{live_server.url}/staff/cases/{maria_case.pk}/")
    n.get_by_text("Labs", exact=True).click()
    n.get_by_label("Creatinine clearance (mL/min)").fill("55")
    n.get_by_label("Date drawn").fill(f"{timezone.now():%Y-%m-%d}")
    n.get_by_role("button", name="Save labs").click()
    n.get_by_text("Plan version 2 was made and needs a signature.").wait_for()
    n.goto(f"{live_server.url}/staff/cases/{maria_case.pk}/plan/")
    carried = n.locator("#carried").inner_text()
    assert carried.count("carried") == 3 and "nora" in carried and "Stent coronario" in carried
    _shot(n, "3-version-2-carried")
    # Until version 2 is signed, Maria is told her plan is being updated: no medicine changes,
    # and she keeps to her last plan (a medicine stopped for the procedure stays stopped).
    n.goto(f"{live_server.url}/staff/cases/{maria_case.pk}/patient-plan/")
    updating = n.locator("main").inner_text()
    assert "Su equipo de atención está cambiando su plan" in updating
    assert "siga haciendo lo que le decía su último plan" in updating
    assert not Reminder.objects.filter(case=maria_case, status=ReminderStatus.SCHEDULED).exclude(
        kind__endswith="-link").exists()
    n.goto(f"{live_server.url}/staff/cases/{maria_case.pk}/plan/")
    acknowledge_and_sign(n, 2)
    _carries_the_override(_channels(n, maria_case))
