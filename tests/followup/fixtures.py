"""Fixtures for the follow-up tests: Maria's case signed and booked; an SMS auth token."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.pathway.fixtures import NOW, START, sign_all

SECRET = "test-auth-token-0123456789"


@pytest.fixture
def booked(maria_submitted: Any, sam: Any, nora: Any, rooms: Any) -> Any:
    from kyphoplan.pathway.services import book
    from kyphoplan.plans.services import latest

    sign_all(nora, latest(maria_submitted), NOW)
    book(sam, maria_submitted, room=rooms["room1"], start=START, ip=None, now=NOW)
    maria_submitted.refresh_from_db()
    return maria_submitted


@pytest.fixture
def sms_token(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from kyphoplan.reminders.config import get_config

    monkeypatch.setenv("KYPHOPLAN_SMS_AUTH_TOKEN", SECRET)
    monkeypatch.setenv("KYPHOPLAN_SMS_ACCOUNT_SID", "AC123")
    monkeypatch.setenv("KYPHOPLAN_SMS_FROM", "+14155550000")
    get_config.cache_clear()
    yield SECRET
    get_config.cache_clear()

