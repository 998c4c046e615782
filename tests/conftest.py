"""Shared fixtures: the people who use kyphoplan.

Maria the patient fills in the public form; Sam the scheduler and Nora the nurse
coordinator work the queue; Rita the radiologist reads it; Alex the admin also
exports and reads the audit trail.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

PASSWORD = "correct horse battery staple 42"

# Debian's chromium, never a downloaded browser. One Playwright instance for the
# whole run: its sync API keeps an event loop in this thread while it is open, so
# a second session-scoped instance elsewhere would fail to start.
CHROMIUM = os.environ.get("KYPHOPLAN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django must allow ORM calls here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/bootstrap.sh")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


# Every test runs with the process clock moved to this instant (and ticking from
# it), so no test depends on the day it runs: fixtures that fix a procedure in
# December 2026 keep working when the real calendar has passed it. Subprocesses
# (workers, the CLI) see the real clock and must use dates relative to it; the
# clock-shifted pass in scripts/test.sh (libfaketime) is what catches a test that
# forgets. Move it further with the `clock` fixture: `clock.move_to(...)`.
TEST_NOW = "2026-11-25T17:00:00+00:00"


@pytest.fixture(autouse=True)
def clock() -> Iterator[Any]:
    import time_machine

    with time_machine.travel(TEST_NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def maria_form() -> dict[str, Any]:
    return {
        "name": "Maria Testpatient",
        "phone": "(415) 555-0132",
        "reason": "new_referral",
        "language": "es",
        "best_days": ["mon", "thu"],
        "best_times": ["morning"],
        "email": "",
        "consent_call": "on",
        "consent_text": "on",
        "website": "",
        "form_token": "maria-token-0000000000000001",
    }


@pytest.fixture
def make_staff(db: Any) -> Callable[..., Any]:
    from django.contrib.auth import get_user_model

    from kyphoplan.staff.roles import Role, ensure_roles

    def make(username: str, role: Role, *, password: str | None = None) -> Any:
        groups = ensure_roles()
        user = get_user_model().objects.create_user(username=username)
        if password:
            user.set_password(password)  # argon2 is slow on purpose: only when a test logs in
        else:
            user.set_unusable_password()
        user.save()
        user.groups.add(groups[role])
        return user

    return make


@pytest.fixture
def sam(make_staff: Callable[..., Any]) -> Any:
    from kyphoplan.staff.roles import Role

    return make_staff("sam", Role.SCHEDULER)


@pytest.fixture
def rita(make_staff: Callable[..., Any]) -> Any:
    from kyphoplan.staff.roles import Role

    return make_staff("rita", Role.RADIOLOGIST)


@pytest.fixture
def alex(make_staff: Callable[..., Any]) -> Any:
    from kyphoplan.staff.roles import Role

    return make_staff("alex", Role.ADMIN)


@pytest.fixture
def verified(client: Any) -> Callable[[Any], Any]:
    """Sign a user in with a confirmed TOTP device, as if they had typed a code."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def sign_in(user: Any) -> Any:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return sign_in


def submit(client: Any, data: dict[str, Any], **extra: Any) -> Any:
    return client.post("/en/request-a-call/", data, **extra)


@pytest.fixture
def send_form() -> Callable[..., Any]:
    return submit


@pytest.fixture
def maria_request(db: Any, maria_form: dict[str, Any], client: Any) -> Any:
    from kyphoplan.callbacks.models import CallbackRequest

    response = submit(client, maria_form)
    assert response.status_code == 302, response.content[:2000]
    return CallbackRequest.objects.get(form_token=maria_form["form_token"])


@pytest.fixture(autouse=True, scope="session")
def record_fhir_resources() -> Iterator[None]:
    """With KYPHOPLAN_FHIR_RECORD=<folder>, every FHIR resource the tests produce is written
    there (one file per distinct resource) for the independent validator that
    scripts/test.sh runs afterwards (scripts/validate_fhir.cjs)."""
    folder = os.environ.get("KYPHOPLAN_FHIR_RECORD")
    if not folder:
        yield
        return
    import hashlib
    import json

    from kyphoplan.fhir.validate import OBSERVERS

    Path(folder).mkdir(parents=True, exist_ok=True)

    def record(resource: dict[str, Any]) -> None:
        text = json.dumps(resource, sort_keys=True)
        name = f"{resource['resourceType']}-{hashlib.sha256(text.encode()).hexdigest()[:16]}.json"
        (Path(folder) / name).write_text(text)

    OBSERVERS.append(record)
    yield
    OBSERVERS.remove(record)


@pytest.fixture(autouse=True)
def every_fhir_response_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    """FHIR responses skip the R4B models at run time (fhir.http): in the tests every one goes
    through them (and so past validate.OBSERVERS), and must come back exactly as it was sent."""
    from kyphoplan.fhir import http
    from kyphoplan.fhir.validate import emit

    plain = http.serialise

    def checked(resource: dict[str, Any]) -> str:
        assert emit(resource) == resource, f"{resource.get('resourceType')} changes when validated"
        return plain(resource)

    monkeypatch.setattr(http, "serialise", checked)
