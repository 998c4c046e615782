"""In a real browser (Debian chromium): Rita reads Maria's T12 and L1 heights, the checklist
blocks Nora's booking until Rita overrides with a reason, Rita signs, Nora books, and the
prior-authorization packet's text holds the grade, the met criteria and 22513 + 22515.

Screenshots go to var/screenshots/. KYPHOPLAN_WRITE_DOCS=1 also refreshes the example packet
in docs/examples/ (the PDF and a PNG of its first page, by pdftoppm)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from kyphoplan.booking.models import Booking, BookingStatus
from kyphoplan.candidacy.models import ChecklistSignoff
from kyphoplan.clinical.candidacy import ItemKind, checklist
from tests.pathway.fixtures import START
from tests.pathway.test_accessibility import _violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "var" / "screenshots"
DOCS = ROOT / "docs" / "examples"


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"candidacy-{name}.png"), full_page=True)


def _level(page: Any, level: str, heights: tuple[str, str, str, str], pain: str) -> None:
    page.get_by_label("Level", exact=True).fill(level)
    for label, value in zip(("Anterior height (mm)", "Middle height (mm)", "Posterior height (mm)",
                             "Reference height (mm)"), heights, strict=True):
        page.get_by_label(label).fill(value)
    page.get_by_label("MRI bone-marrow oedema", exact=True).select_option("yes")
    page.get_by_label("Retropulsed fragment", exact=True).select_option("no")
    page.get_by_label("Fracture age (weeks)").fill("6")
    page.get_by_label("Pain at this level (NRS 0–10)").fill(pain)
    page.get_by_role("button", name="Save level").click()
    page.get_by_text(f"{level} recorded.").wait_for()


def test_it_takes_a_case_from_imaging_heights_to_a_signed_checklist_a_booking_and_a_packet(
    staff_page: Any, chromium: Any, live_server: Any, maria_submitted: Any, rita: Any, nora: Any, rooms: Any, tmp_path: Any,
) -> None:
    case = maria_submitted
    url = f"{live_server.url}/staff/cases/{case.pk}/candidacy/"

    # Rita reads the imaging: T12 a moderate wedge, L1 a mild biconcave fracture.
    r = staff_page(rita)
    r.goto(url, timeout=90_000)  # the first request loads every app: slow on a busy machine
    _level(r, "T12", ("17.5", "24", "27", "28"), "7")
    r.get_by_text("Record a level").click()
    _level(r, "L1", ("29", "23", "30", "30"), "6")
    levels = r.locator("#levels").inner_text()
    assert "grade 2 (moderate)" in levels and "37.5 %" in levels and "wedge" in levels
    assert "grade 1 (mild)" in levels and "biconcave" in levels
    assert r.locator('svg.spine g[data-level="T12"] polygon').count() == 1

    # The payer facts and the conservative-care history.
    r.get_by_label("Payer", exact=True).select_option("medicare-lcd")
    r.get_by_label("Care setting").select_option("outpatient")
    r.get_by_label("Pain NRS despite care (0–10)").fill("7")
    r.get_by_label("Pain worsening").select_option("yes")
    r.get_by_label("Failed conservative care (weeks)").fill("6")
    r.get_by_label("Analgesics (weeks)").fill("6")
    r.get_by_label("Exercise / physiotherapy (weeks)").fill("4")
    r.get_by_label("Conservative-care history").fill("Paracetamol and tramadol for 6 weeks, a brace, "
                                                     "physiotherapy for 4 weeks; pain still stops her walking.")
    r.get_by_label("Kyphotic deformity").select_option("yes")
    r.get_by_label("Bone-density referral documented").select_option("yes")
    r.get_by_label("Osteoporosis education documented").select_option("yes")
    r.get_by_role("button", name="Save payer facts").click()
    r.get_by_text("Payer facts saved.").wait_for()
    assert r.locator('.badge[data-payer="medicare-lcd"]').inner_text() == "met"

    # The checklist: indications present, and an uncorrected coagulopathy.
    for item in checklist().items:
        select = r.locator(f'select[name="item-{item.id}"]')
        if select.count():
            select.select_option("present" if item.kind is ItemKind.INDICATION else "absent")
    r.locator('select[name="item-abs.coagulopathy"]').select_option("present")
    r.get_by_role("button", name="Save checklist").click()
    r.get_by_text("Checklist saved.").wait_for()
    assert r.locator("#booking-gate").inner_text() == "Booking blocked"
    _shot(r, "1-imaging-and-checklist")

    # Nora cannot book: the booking service says why (and the database would refuse it too).
    n = staff_page(nora)
    n.goto(f"{live_server.url}/staff/cases/{case.pk}/book/?day={START.date().isoformat()}")
    n.locator(f'input[name="start"][value="{START.isoformat()}"]').first.check()
    n.get_by_role("button", name="Book in Room 1").click()
    n.get_by_text("Not booked: an absolute contraindication is recorded").wait_for()
    assert not Booking.objects.filter(case=case).exists()

    # Rita overrides with a reason and signs the checklist.
    r.reload()
    r.get_by_label("Override reason").fill("INR corrected to 1.3 with vitamin K; haematology agrees")
    r.get_by_role("button", name="Record override").click()
    r.get_by_text("Override recorded.").wait_for()
    assert r.locator("#booking-gate").inner_text() == "Checklist assessed, not signed yet"
    r.get_by_role("button", name="Sign the checklist").click()
    r.get_by_text("Checklist signed.").wait_for()
    assert r.locator("#booking-gate").inner_text() == "Checklist signed, booking not blocked"
    assert r.locator("#checklist-signed-by").inner_text() == "rita"
    signoff = ChecklistSignoff.objects.get(case=case)
    assert signoff.plan_version is not None and signoff.snapshot["overrides"][0]["item"] == "abs.coagulopathy"
    codes = r.locator("#codes").inner_text()
    assert "22513" in codes and "22515" in codes and "M80.08XA" in codes
    _shot(r, "2-signed-and-codes")
    # axe-core on this staff page: no serious or critical WCAG 2.2 AA problem (a CSP-bypassing copy of the page).
    axe_context = chromium.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    axe_context.add_cookies(r.context.cookies())
    a = axe_context.new_page()
    a.goto(url)
    assert _violations(a) == []
    axe_context.close()

    # Now Nora books.
    n.goto(f"{live_server.url}/staff/cases/{case.pk}/book/?day={START.date().isoformat()}")
    n.locator(f'input[name="start"][value="{START.isoformat()}"]').first.check()
    n.get_by_role("button", name="Book in Room 1").click()
    n.get_by_text("Booked.").wait_for()
    assert Booking.objects.filter(case=case, status=BookingStatus.ACTIVE).exists()
    _shot(n, "3-booked")

    # The packet.
    response = r.request.get(f"{live_server.url}/staff/cases/{case.pk}/prior-auth.pdf")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "packet.pdf"
    pdf.write_bytes(response.body())
    text = " ".join(subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                                   text=True).stdout.split())
    assert "T12 shows a grade 2 (moderate) wedge fracture with 37.5 % height loss" in text
    assert "L1 shows a grade 1 (mild) biconcave fracture with 23.3 % height loss" in text
    assert "Criteria met: Acute or subacute fracture shown on imaging;" in text
    assert "Bone-density referral documented; Osteoporosis education documented." in text
    assert "CPT 22513 T12" in text and "CPT 22515 L1" in text and "22514" not in text
    assert "M80.08XA" in text and "overall met" in text
    assert "INR corrected to 1.3" in text  # the override and its reason travel with the packet
    if os.environ.get("KYPHOPLAN_WRITE_DOCS"):
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(pdf, DOCS / "prior-auth-packet.pdf")
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                        str(DOCS / "prior-auth-packet-page1")], check=True)


WHOLE_WORDS = """els => els.map(el => {
  const range = document.createRange(); range.selectNodeContents(el);
  return [el.innerText.trim(), range.getClientRects().length];
})"""
# A select's own width against the width it takes alone (its longest choice): smaller means its text is cut.
CHOICE_CUT = """el => {
  const alone = el.cloneNode(true); el.parentNode.append(alone);  // same font; CSSOM, not a style attribute (CSP)
  Object.assign(alone.style, {position: 'absolute', display: 'inline-block', width: 'auto', minWidth: '0',
                              maxWidth: 'none'});
  const cut = el.getBoundingClientRect().width + 1 < alone.getBoundingClientRect().width; alone.remove(); return cut;
}"""


def test_it_lays_the_page_out_under_the_csp_with_whole_words_at_1366_px(
    staff_page: Any, live_server: Any, maria_submitted: Any, rita: Any,
) -> None:
    from tests.candidacy.helpers import read_maria

    read_maria(rita, maria_submitted)
    r = staff_page(rita)
    r.set_viewport_size({"width": 1366, "height": 900})
    errors: list[str] = []
    r.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    r.goto(f"{live_server.url}/staff/cases/{maria_submitted.pk}/candidacy/", timeout=90_000)
    # The spine diagram sits beside the table (the layout is in the stylesheet; the CSP blocks inline style).
    assert r.locator(".spine-row").evaluate("el => getComputedStyle(el).display") == "flex"
    assert errors == []
    # Each single-word header is on one line: "Retropulsion", never "Retropulsio n".
    one_word = [(text, rects) for text, rects in r.locator("#levels th, #checklist th").evaluate_all(WHOLE_WORDS)
                if " " not in text]
    assert one_word and all(rects == 1 for _, rects in one_word), one_word
    selects = r.locator("#checklist select")
    assert selects.count() > 0
    assert not any(selects.nth(i).evaluate(CHOICE_CUT) for i in range(selects.count()))
    _shot(r, "1366")
