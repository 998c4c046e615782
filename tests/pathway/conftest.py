"""Playwright on Debian's chromium (never a downloaded browser), and staff signed in by session."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.pathway.fixtures import maria_case, maria_submitted, nora, rooms  # noqa: F401

# Playwright's sync API runs an event loop in this thread; Django must allow ORM calls here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}


def fits_the_screen(page: Any) -> bool:
    """No sideways scrolling. Not window.innerWidth: in a mobile context it grows with the content,
    so a check against it could never fail."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"))


@pytest.fixture
def staff_page(chromium: Any, live_server: Any) -> Iterator[Callable[[Any], Any]]:
    """A desktop browser signed in as `user` (password and TOTP are tested elsewhere)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    contexts = []

    def open_as(user: Any) -> Any:
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "kyphoplan.staff.roles.StaffBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        context = chromium.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key,
                              "url": live_server.url}])
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_as
    for c in contexts:
        c.close()


@pytest.fixture
def phone_page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(**PHONE, locale="es-US", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
