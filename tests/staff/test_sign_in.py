"""Sam signs in: password (argon2, lockout), then a TOTP code; idle sessions end."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from kyphoplan.audit.models import Action, AuditEvent
from kyphoplan.staff.roles import Role

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple 42"


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


@pytest.fixture
def sam_with_password(make_staff: Any) -> Any:
    user = make_staff("sam", Role.SCHEDULER, password=PASSWORD)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


def test_it_hashes_staff_passwords_with_argon2(sam_with_password: Any) -> None:
    assert sam_with_password.password.startswith("argon2$")


def test_it_signs_sam_in_with_password_then_totp_code(client: Client, sam_with_password: Any) -> None:
    r = client.post("/staff/login/", {"username": "sam", "password": PASSWORD})
    assert r["Location"] == "/staff/verify/"
    # Password alone opens nothing.
    assert client.get("/staff/requests/")["Location"] == "/staff/verify/"
    device = TOTPDevice.objects.get(user=sam_with_password)
    r = client.post("/staff/verify/", {"code": code_for(device)})
    assert r["Location"] == "/staff/requests/"
    assert client.get("/staff/requests/").status_code == 200
    assert AuditEvent.objects.filter(action=Action.LOGIN, actor_username="sam").exists()


def test_it_refuses_a_wrong_code(client: Client, sam_with_password: Any) -> None:
    client.post("/staff/login/", {"username": "sam", "password": PASSWORD})
    r = client.post("/staff/verify/", {"code": "000000"})
    assert r.status_code == 200
    assert "did not work" in r.content.decode()
    assert client.get("/staff/requests/")["Location"] == "/staff/verify/"
    assert AuditEvent.objects.filter(action=Action.OTP_FAILED).exists()


def test_it_locks_the_account_after_five_wrong_passwords(client: Client, sam_with_password: Any) -> None:
    for _ in range(5):
        r = client.post("/staff/login/", {"username": "sam", "password": "wrong password"})
    assert r.status_code == 429
    # Even the right password is refused now.
    r = client.post("/staff/login/", {"username": "sam", "password": PASSWORD})
    assert r.status_code == 429
    assert "Sign-in paused" in r.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=Action.LOGIN_FAILED).count() >= 5


def test_it_makes_a_new_user_set_up_totp_first(client: Client, make_staff: Any) -> None:
    make_staff("nora", Role.NURSE, password=PASSWORD)
    r = client.post("/staff/login/", {"username": "nora", "password": PASSWORD})
    assert r["Location"] == "/staff/enrol/"
    page = client.get("/staff/enrol/")
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user__username="nora")
    assert not device.confirmed
    r = client.post("/staff/enrol/", {"code": code_for(device)})
    assert r["Location"] == "/staff/requests/"
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action=Action.OTP_ENROLLED).exists()


def test_it_does_not_let_a_password_holder_replace_a_confirmed_device(
    client: Client, sam_with_password: Any
) -> None:
    client.post("/staff/login/", {"username": "sam", "password": PASSWORD})
    assert client.get("/staff/enrol/")["Location"] == "/staff/verify/"


def test_it_signs_staff_out_after_idle_time(
    client: Client, sam: Any, verified: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.STAFF_IDLE_MINUTES = 15
    verified(sam)
    assert client.get("/staff/requests/").status_code == 200
    later = time.time() + 16 * 60
    monkeypatch.setattr(time, "time", lambda: later)
    r = client.get("/staff/requests/")
    assert r["Location"] == "/staff/login/"
    assert AuditEvent.objects.filter(action=Action.TIMEOUT, actor_username="sam").exists()
    assert client.get("/staff/requests/")["Location"] == "/staff/login/"


def test_it_signs_out_only_by_post(client: Client, sam: Any, verified: Any) -> None:
    verified(sam)
    assert client.get("/staff/logout/").status_code == 405
    assert client.post("/staff/logout/")["Location"] == "/staff/login/"
    assert client.get("/staff/requests/")["Location"] == "/staff/login/"


def test_it_checks_csrf_on_staff_and_public_forms(sam_with_password: Any, maria_form: dict) -> None:
    strict = Client(enforce_csrf_checks=True)
    r = strict.post("/staff/login/", {"username": "sam", "password": PASSWORD})
    assert r.status_code == 403
    assert "Please try again" in r.content.decode()
    assert strict.post("/en/request-a-call/", maria_form).status_code == 403
