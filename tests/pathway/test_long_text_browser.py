"""Text people type can be one long word. Maria pastes a medicine line with no spaces: the
review page and Nora's plan review still fit the screen (WCAG 1.4.10), and the buttons stay
where they can be pressed. Screenshots go to var/screenshots/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from kyphoplan.cases.models import Channel, LinkPurpose
from kyphoplan.cases.services import issue_link
from kyphoplan.pathway.services import save_intake, submit_intake
from tests.pathway.fixtures import MARIA_INTAKE, future_monday

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "var/screenshots"
WIDTHS = (390, 1366)


def _width(page: Any) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"long-text-{name}.png"), full_page=True)


def test_it_wraps_maria_s_long_medicine_line_on_her_review_page(
    chromium: Any, live_server: Any, maria_case: Any, sam: Any
) -> None:
    maria_case.target_start = future_monday()
    maria_case.save()
    _, token = issue_link(sam, maria_case, purpose=LinkPurpose.INTAKE, channel=Channel.SHOWN, ip=None,
                          now=timezone.now())
    widths = {}
    for width in WIDTHS:
        context = chromium.new_context(viewport={"width": width, "height": 844})
        page = context.new_page()
        page.goto(f"{live_server.url}/en/p/intake/{token}/")
        page.get_by_label("Medicine 1").fill("W" * 500)
        page.get_by_role("button", name="Check my answers and send").click()
        page.get_by_role("heading", name="Check your answers").wait_for()
        _shot(page, f"review-{width}")
        send = page.get_by_role("button", name="Yes, send my answers").bounding_box()
        widths[width] = (_width(page), send["x"] + send["width"] <= width)
        context.close()
    assert widths == {w: (w, True) for w in WIDTHS}


def test_it_wraps_the_long_line_on_nora_s_plan_review(
    staff_page: Any, live_server: Any, maria_case: Any, nora: Any
) -> None:
    now = timezone.now()
    maria_case.target_start = future_monday()
    maria_case.save()
    answers = {**MARIA_INTAKE, "medicines": [*MARIA_INTAKE["medicines"], {"text": "W" * 500, "unsure": False}]}
    save_intake(maria_case, answers, acting_user=None, ip=None, now=now)
    submit_intake(maria_case, acting_user=None, ip=None, now=now)
    page = staff_page(nora)
    widths = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/staff/cases/{maria_case.pk}/plan/")
        page.get_by_role("heading", name="Version 1 — not signed").wait_for()
        _shot(page, f"plan-review-{width}")
        widths[width] = _width(page)
    assert widths == {w: w for w in WIDTHS}
