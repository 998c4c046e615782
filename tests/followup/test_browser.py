"""Maria from her signed plan to her 12-month check-in, in a real browser (Debian chromium),
with the clock moved process-wide (the live server thread sees it too).

She answers on a phone in Spanish, reports a fever a week after the procedure (Nora sees it
at once), texts "No más" (no more texts: the next check-ins come by email), answers up to 12
months; Nora closes the bone-health steps, Maria declines drug treatment, the letter says so;
the dashboard shows Maria's pain change against the EVOLVE line. axe-core finds nothing on
these pages. Screenshots go to var/screenshots/.
"""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from kyphoplan.followup.dispatch import dispatch_due_checkins
from kyphoplan.followup.models import CheckIn, CheckInStatus
from kyphoplan.followup.timepoints import AFTER, TimePoint
from kyphoplan.messaging.signature import expected_signature
from kyphoplan.outbox.models import OutboxMessage
from kyphoplan.pathway.services import book
from kyphoplan.plans.services import latest
from kyphoplan.reminders.models import Reminder, ReminderChannel
from tests.followup.conftest import SECRET
from tests.pathway.conftest import fits_the_screen
from tests.pathway.fixtures import NOW, START, sign_all

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "var/node/node_modules/axe-core/axe.min.js"
SHOTS = ROOT / "var/screenshots"
PAIN = {TimePoint.BASELINE: 8, TimePoint.DAY_7: 5, TimePoint.MONTH_1: 4, TimePoint.MONTH_3: 3, TimePoint.MONTH_6: 3,
        TimePoint.MONTH_12: 2}


def _axe(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => await axe.run(document, {runOnly: {type: 'tag', values:
        ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})""")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
            for v in result["violations"]]


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"followup-{name}.png"), full_page=True)


def _link(case: Any, point: TimePoint, channel: ReminderChannel) -> str:
    row = CheckIn.objects.get(case=case, timepoint=point)
    message = Reminder.objects.get(case=case, kind="checkin-link", event_at=row.due_at)
    assert message.channel == channel, (point, message.channel)
    found = re.search(r"https?://\S+/f/\S+/", message.body)
    assert found, message.body
    return found.group(0).replace(django_settings.BASE_URL, "")


def _answer(page: Any, base: str, path: str, point: TimePoint, *, fever: bool = False) -> None:
    page.goto(base + path)
    page.locator(f"input[name=pain_now][value='{PAIN[point]}']").check()
    page.locator(f"input[name=pain_worst][value='{min(10, PAIN[point] + 1)}']").check()
    if point != TimePoint.BASELINE:
        for name in ("new_pain", "fall", "leg_weakness"):
            page.locator(f"input[name={name}][value=no]").check()
        page.locator(f"input[name=fever][value={'yes' if fever else 'no'}]").check()
    page.get_by_role("button").last.click()
    page.wait_for_load_state()


def test_it_follows_maria_from_her_signed_plan_to_her_12_month_check_in(
    chromium: Any, staff_page: Any, phone_page: Any, live_server: Any, maria_submitted: Any, sam: Any, nora: Any,
    rooms: Any, clock: Any, monkeypatch: Any,
) -> None:
    from kyphoplan.reminders.config import get_config

    assert AXE.exists(), "run scripts/bootstrap.sh (axe-core)"
    monkeypatch.setenv("KYPHOPLAN_SMS_AUTH_TOKEN", SECRET)
    get_config.cache_clear()
    base = live_server.url
    maria = maria_submitted
    problems: dict[str, list[dict[str, Any]]] = {}
    axe_phone = chromium.new_context(bypass_csp=True, viewport={"width": 390, "height": 844}, locale="es-US")
    axe_page = axe_phone.new_page()

    # The signed plan, the booking: the follow-up schedule and the bone-health track exist.
    clock.move_to(NOW)
    sign_all(nora, latest(maria), NOW)
    book(sam, maria, room=rooms["room1"], start=START, ip=None, now=NOW)
    assert CheckIn.objects.filter(case=maria).count() == 6

    # Baseline, a week before: a text in Spanish with a signed link; answered on her phone.
    baseline = CheckIn.objects.get(case=maria, timepoint=TimePoint.BASELINE)
    clock.move_to(baseline.due_at + timedelta(hours=3))
    dispatch_due_checkins(timezone.now())
    path = _link(maria, TimePoint.BASELINE, ReminderChannel.SMS)
    phone_page.goto(base + path)
    phone_page.get_by_text("¿Cuánto le duele la espalda ahora?").wait_for()
    assert fits_the_screen(phone_page)
    smallest = phone_page.evaluate("""Math.min(...[...document.querySelectorAll('form label')]
        .map(l => l.getBoundingClientRect().height))""")
    assert smallest >= 44, smallest  # touch targets
    _shot(phone_page, "checkin-es")
    axe_page.goto(base + path)
    problems["check-in (es)"] = _axe(axe_page)
    _answer(phone_page, base, path, TimePoint.BASELINE)
    phone_page.get_by_text("Recibimos sus respuestas").wait_for()

    # Seven days after: she has a fever. Staff hear of it at once.
    day7 = CheckIn.objects.get(case=maria, timepoint=TimePoint.DAY_7)
    clock.move_to(day7.due_at + timedelta(hours=1))
    dispatch_due_checkins(timezone.now())
    path = _link(maria, TimePoint.DAY_7, ReminderChannel.SMS)
    _answer(phone_page, base, path, TimePoint.DAY_7, fever=True)
    phone_page.get_by_text("Le llamaremos").wait_for()
    _shot(phone_page, "red-flag-thanks-es")
    mail = OutboxMessage.objects.get(kind="followup-red-flag")
    assert maria.reference in mail.subject and "Fever or chills" in mail.body
    worklist = staff_page(nora)
    worklist.goto(base + "/staff/followup/")
    row = worklist.locator("tr.alert-row", has_text=maria.reference)
    row.get_by_text("Fever or chills").wait_for()
    _shot(worklist, "worklist")

    # She texts "No más": no more texts to her number, at once; the reply is in Spanish.
    form = {"MessageSid": "SM-maria-stop", "From": maria.phone_e164, "To": "+14155550000", "Body": "No más"}
    signature = expected_signature(SECRET, django_settings.BASE_URL + "/sms/inbound", form.items())
    reply = worklist.request.post(base + "/sms/inbound", form=form, headers={"X-Twilio-Signature": signature})
    assert reply.status == 200 and "no le enviaremos más mensajes" in reply.text()
    assert not Reminder.objects.filter(to=maria.phone_e164, channel=ReminderChannel.SMS, status="scheduled").exists()

    # 1, 3, 6 and 12 months: by email now, answered each time.
    for point in AFTER[1:]:
        row = CheckIn.objects.get(case=maria, timepoint=point)
        clock.move_to(row.due_at + timedelta(hours=2))
        dispatch_due_checkins(timezone.now())
        path = _link(maria, point, ReminderChannel.EMAIL)
        # One of them through the axe context, to check the thanks page and the closed link too.
        page = axe_page if point == TimePoint.MONTH_1 else phone_page
        _answer(page, base, path, point)
        page.get_by_text("Recibimos sus respuestas").wait_for()
        if page is axe_page:
            problems["thanks (es)"] = _axe(axe_page)
            axe_page.goto(base + path)
            axe_page.get_by_text("Este control está cerrado").wait_for()
            problems["closed link (es)"] = _axe(axe_page)
    answered = CheckIn.objects.get(case=maria, timepoint=TimePoint.MONTH_12)
    assert answered.status == CheckInStatus.ANSWERED and answered.pain_change == 6 and answered.reached_mcid

    # Bone health: Nora closes the steps; Maria declines drug treatment; the letter says so.
    nurse = staff_page(nora)
    nurse.goto(base + f"/staff/liaison/case/{maria.pk}/")
    for step, state in (("dxa_referral", "done"), ("treatment_discussed", "done"), ("treatment_started", "declined"),
                        ("calcium_vitamin_d", "done"), ("falls_assessment", "done")):
        nurse.locator(f"#state-{step}").select_option(state)
        nurse.locator(f"form:has(#state-{step}) button").click()
        nurse.wait_for_load_state()
    nurse.get_by_label("Fracture grade (Genant, from the radiologist)").select_option("2")
    nurse.get_by_role("button", name="Save details").click()
    # WeasyPrint's first use loads its fonts: slow on a busy 2-core machine, hence the long wait.
    nurse.get_by_role("button", name="Write the letter to the primary-care physician").click(timeout=120_000)
    with nurse.expect_download() as download:
        nurse.get_by_role("link", name=re.compile("Patient declined osteoporosis treatment")).click()
    pdf = Path(download.value.path()).read_bytes()
    text = " ".join(subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
                    .stdout.decode().split())
    for part in ("declined", "Maria Testpatient", "Grade 2", "DXA", "25-OH vitamin D", "falls"):
        assert part in text, part
    _shot(nurse, "liaison")
    axe_staff = chromium.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900},
                                     storage_state=nurse.context.storage_state())
    check = axe_staff.new_page()
    check.goto(base + f"/staff/liaison/case/{maria.pk}/")
    problems["liaison"] = _axe(check)
    check.goto(base + "/staff/followup/")
    problems["worklist"] = _axe(check)

    # The dashboard: Maria's change at every time point against EVOLVE.
    nurse.goto(base + "/staff/outcomes/")
    description = nurse.locator("#pain-chart-d").text_content() or ""
    assert "12 months: 6.0 points (n=1), EVOLVE 6.3" in description, description
    assert "7 days: 3.0 points (n=1), EVOLVE 5.2" in description
    assert nurse.locator("#pain-chart polyline").count() == 2  # ours and EVOLVE
    _shot(nurse, "dashboard")
    check.goto(base + "/staff/outcomes/")
    problems["dashboard"] = _axe(check)
    check.goto(base + f"/staff/followup/case/{maria.pk}/")
    problems["case follow-up"] = _axe(check)
    # The consent screen for her number, opted out by her "No más" above.
    check.goto(base + "/staff/followup/consent/?phone=" + maria.phone_e164.replace("+", "%2B"))
    check.get_by_role("heading", name="Record a new consent").wait_for()
    problems["consent"] = _axe(check)
    _shot(check, "consent")
    axe_staff.close()
    axe_phone.close()
    assert {k: v for k, v in problems.items() if v} == {}
