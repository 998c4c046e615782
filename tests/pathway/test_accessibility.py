"""axe-core on the patient pages (intake, thanks, plan, bad link) in both languages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from kyphoplan.cases.models import Channel, LinkPurpose
from kyphoplan.cases.services import issue_link
from kyphoplan.pathway.services import book
from kyphoplan.plans.services import latest
from tests.pathway.fixtures import future_monday, sign_all

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE = Path(__file__).resolve().parents[2] / "var/node/node_modules/axe-core/axe.min.js"


def _violations(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => await axe.run(document, {runOnly: {type: 'tag', values:
        ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})""")
    return [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:3]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_it_has_no_serious_accessibility_problems_on_patient_pages(
    chromium: Any, live_server: Any, maria_case: Any, sam: Any, nora: Any, rooms: Any,
) -> None:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run scripts/bootstrap.sh")
    now = timezone.now()
    start = future_monday()
    maria_case.target_start = start
    maria_case.save()
    _, intake_token = issue_link(sam, maria_case, purpose=LinkPurpose.INTAKE, channel=Channel.SHOWN, ip=None, now=now)
    # The test's axe needs an injected script, which the site's CSP forbids: this context ignores CSP.
    context = chromium.new_context(bypass_csp=True, viewport={"width": 390, "height": 844})
    page = context.new_page()
    problems = {}
    page.goto(f"{live_server.url}/es/p/intake/{intake_token}/")
    problems["intake es"] = _violations(page)
    page.goto(f"{live_server.url}/en/p/intake/")
    problems["intake en"] = _violations(page)
    page.get_by_label("Medicine 1").fill("Plavix 75 mg once daily")
    page.get_by_role("button", name="Check my answers and send").click()
    page.get_by_role("heading", name="Check your answers").wait_for()
    problems["review"] = _violations(page)
    page.get_by_role("button", name="Yes, send my answers").click()
    page.get_by_role("heading", name="Thank you. We have your answers.").wait_for()
    problems["thanks"] = _violations(page)
    sign_all(nora, latest(maria_case), now)
    book(sam, maria_case, room=rooms["room1"], start=start, ip=None, now=now)
    _, plan_token = issue_link(sam, maria_case, purpose=LinkPurpose.PLAN, channel=Channel.SHOWN, ip=None,
                               now=now, expires_at=start)
    page.goto(f"{live_server.url}/es/p/plan/{plan_token}/")
    page.get_by_text("clopidogrel").first.wait_for()
    problems["plan"] = _violations(page)
    page.goto(f"{live_server.url}/es/p/intake/not-a-real-token/")
    problems["bad link"] = _violations(page)
    context.close()
    assert {k: v for k, v in problems.items() if v} == {}
