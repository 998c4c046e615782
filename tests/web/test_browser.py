"""People using the real site in Debian's chromium: Maria asks for a call in English and
in Spanish (with JavaScript off), Sam signs in with a TOTP code and books her."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from kyphoplan.callbacks.models import CallbackRequest, Status
from kyphoplan.staff.roles import Role

from .conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple 42"


def test_it_lets_maria_ask_for_a_call_in_english_with_javascript_off(chromium: Any, live_server: Any) -> None:
    context = chromium.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + "/en/")
    page.get_by_role("link", name="Ask us to call you").first.click()
    page.get_by_label("Your name").fill("Maria Browser")
    page.get_by_label("Phone number").fill("415 555 0177")
    page.get_by_label("I have a new referral").check()
    page.get_by_label("Spanish").check()
    page.get_by_label("Tuesday").check()
    page.get_by_label("Morning (8 to 11)").check()
    page.get_by_label("Yes, you may call me at this number.").check()
    page.get_by_role("button", name="Send my request").click()
    page.get_by_role("heading", name="We got your request").wait_for()
    reference = page.locator(".ref").inner_text()
    context.close()
    req = CallbackRequest.objects.get(reference=reference)
    assert (req.name, req.phone_e164, req.language) == ("Maria Browser", "+14155550177", "es")


def test_it_lets_maria_ask_for_a_call_in_spanish(page: Any, live_server: Any) -> None:
    page.goto(live_server.url + "/en/")
    page.get_by_role("link", name="Español").click()
    page.get_by_role("link", name="Pida que le llamemos").first.click()
    page.get_by_label("Su nombre").fill("María Navegador")
    page.get_by_label("Número de teléfono").fill("(415) 555-0178")
    page.get_by_label("Cambiar mi cita").check()
    page.get_by_label("Sí, me pueden llamar a este número.").check()
    page.get_by_role("button", name="Enviar mi pedido").click()
    page.get_by_role("heading", name="Recibimos su pedido").wait_for()
    assert "Le vamos a llamar" in page.content()
    assert CallbackRequest.objects.get().language == "es"


def test_it_shows_maria_what_to_fix(page: Any, live_server: Any) -> None:
    page.goto(live_server.url + "/en/request-a-call/")
    page.get_by_label("Phone number").fill("12")
    page.get_by_role("button", name="Send my request").click()
    page.get_by_text("Please fix the items marked below.").wait_for()
    assert page.get_by_label("Phone number").get_attribute("aria-invalid") == "true"
    assert not CallbackRequest.objects.exists()


def test_it_lets_sam_sign_in_with_totp_and_book_maria(
    page: Any, live_server: Any, make_staff: Any, maria_request: CallbackRequest
) -> None:
    sam = make_staff("sam", Role.SCHEDULER, password=PASSWORD)
    device = TOTPDevice.objects.create(user=sam, name="phone", confirmed=True)
    page.goto(live_server.url + "/staff/")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    page.get_by_label("6-digit code from your authenticator app").fill(code)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Call-back queue").wait_for()
    page.get_by_role("link", name=maria_request.reference).click()
    page.get_by_label("Reached").check()
    page.get_by_role("button", name="Log call").click()
    page.get_by_text("Call logged.").wait_for()
    page.get_by_label("New status").select_option("scheduled")
    page.get_by_role("button", name="Save status").click()
    page.get_by_text("Status is now Scheduled.").wait_for()
    maria_request.refresh_from_db()
    assert maria_request.status == Status.SCHEDULED


PUBLIC = [
    "/en/",
    "/en/causes/",
    "/en/risk/",
    "/en/procedure/",
    "/en/risks/",
    "/en/prepare/",
    "/en/contact/",
    "/en/request-a-call/",
    "/es/",
    "/es/causas/",
    "/es/riesgo/",
    "/es/tratamiento/",
    "/es/riesgos-del-tratamiento/",
    "/es/preparacion/",
    "/es/contacto/",
    "/es/pida-una-llamada/",
]


def test_it_has_no_serious_accessibility_problems_on_public_pages(
    axe_page: Any, live_server: Any, maria_form: dict
) -> None:
    problems = {}
    for url in PUBLIC:
        axe_page.goto(live_server.url + url)
        problems[url] = axe_violations(axe_page)
    # Pages that only appear after a POST: form errors, a risk result, the confirmation.
    axe_page.goto(live_server.url + "/en/request-a-call/")
    axe_page.get_by_role("button", name="Send my request").click()
    problems["form errors"] = axe_violations(axe_page)
    axe_page.goto(live_server.url + "/en/risk/")
    axe_page.get_by_label("I smoke").check()
    axe_page.get_by_role("button", name="Show my result").click()
    problems["risk result"] = axe_violations(axe_page)
    axe_page.goto(live_server.url + "/en/request-a-call/")
    axe_page.get_by_label("Your name").fill("Ax E")
    axe_page.get_by_label("Phone number").fill("4155550199")
    axe_page.get_by_label("Something else").check()
    axe_page.get_by_label("English").check()
    axe_page.get_by_label("Yes, you may call me at this number.").check()
    axe_page.get_by_role("button", name="Send my request").click()
    problems["thanks"] = axe_violations(axe_page)
    assert {u: p for u, p in problems.items() if p} == {}


def test_it_has_no_serious_accessibility_problems_on_staff_pages(
    axe_page: Any, live_server: Any, make_staff: Any, maria_request: CallbackRequest
) -> None:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY

    problems = {}
    axe_page.goto(live_server.url + "/staff/login/")
    problems["login"] = axe_violations(axe_page)
    # Nora's first sign-in shows the TOTP set-up page; Sam's shows the code page.
    make_staff("nora", Role.NURSE, password=PASSWORD)
    sam = make_staff("sam", Role.SCHEDULER, password=PASSWORD)
    TOTPDevice.objects.create(user=sam, name="phone", confirmed=True)
    for name, page_name in [("nora", "enrol"), ("sam", "verify")]:
        axe_page.context.clear_cookies()
        axe_page.goto(live_server.url + "/staff/login/")
        axe_page.get_by_label("Username").fill(name)
        axe_page.get_by_label("Password").fill(PASSWORD)
        axe_page.get_by_role("button", name="Continue").click()
        axe_page.wait_for_url(f"**/staff/{page_name}/")
        problems[page_name] = axe_violations(axe_page)
    axe_page.context.clear_cookies()
    alex = make_staff("alex", Role.ADMIN)
    device = TOTPDevice.objects.create(user=alex, name="phone", confirmed=True)
    session = SessionStore()
    session[SESSION_KEY] = str(alex.pk)
    session[BACKEND_SESSION_KEY] = "kyphoplan.staff.roles.StaffBackend"
    session[HASH_SESSION_KEY] = alex.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    axe_page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.session_key,
                "url": live_server.url,
            }
        ]
    )
    for name, url in [
        ("queue", "/staff/requests/"),
        ("detail", f"/staff/requests/{maria_request.pk}/"),
        ("audit", "/staff/audit/"),
    ]:
        axe_page.goto(live_server.url + url)
        assert axe_page.url.endswith(url), axe_page.url
        problems[name] = axe_violations(axe_page)
    assert {u: p for u, p in problems.items() if p} == {}


def test_it_would_catch_a_real_accessibility_problem(axe_page: Any) -> None:
    # Guards the two tests above against an axe run that silently checks nothing.
    axe_page.set_content('<html lang="en"><body><main><img src="x.png"></main></body></html>')
    assert "image-alt" in {v["id"] for v in axe_violations(axe_page)}


def test_it_fits_a_small_phone_and_shows_keyboard_focus(chromium: Any, live_server: Any) -> None:
    # WCAG 1.4.10 (no sideways scrolling at 320 px), 2.4.1 (skip link), 2.4.7 (visible focus).
    context = chromium.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:
        for url in PUBLIC:
            page.goto(live_server.url + url)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 320, (url, width)
        page.goto(live_server.url + "/en/")
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => { const e = document.activeElement; const s = getComputedStyle(e);
                 return [e.textContent.trim(), s.outlineStyle, s.outlineWidth]; }"""
        )
        assert focused[0] == "Skip to the main text"
        assert focused[1] != "none" and focused[2] != "0px"
        page.keyboard.press("Enter")
        assert page.url.endswith("#main")
    finally:
        context.close()
