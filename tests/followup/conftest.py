"""Maria's case, signed and booked: the follow-up schedule exists from the booking on."""

from __future__ import annotations

from typing import Any

import pytest

from tests.pathway.fixtures import NOW, START, maria_case, maria_submitted, nora, rooms  # noqa: F401

SECRET = "test-auth-token-0123456789"


@pytest.fixture
def booked(maria_submitted: Any, sam: Any, nora: Any, rooms: Any) -> Any:
    from kyphoplan.booking.services import book
    from kyphoplan.plans.services import latest, sign

    sign(nora, latest(maria_submitted), ip=None, now=NOW)
    book(sam, maria_submitted, room=rooms["room1"], start=START, ip=None, now=NOW)
    maria_submitted.refresh_from_db()
    return maria_submitted


@pytest.fixture
def sms_token(monkeypatch: pytest.MonkeyPatch) -> str:
    from kyphoplan.reminders.config import get_config

    monkeypatch.setenv("KYPHOPLAN_SMS_AUTH_TOKEN", SECRET)
    monkeypatch.setenv("KYPHOPLAN_SMS_ACCOUNT_SID", "AC123")
    monkeypatch.setenv("KYPHOPLAN_SMS_FROM", "+14155550000")
    get_config.cache_clear()
    yield SECRET
    get_config.cache_clear()


def post_sms(client: Any, body: str, *, phone: str = "+14155550132", sid: str = "SM1", token: str = SECRET,
             sign: bool = True) -> Any:
    from django.conf import settings

    from kyphoplan.messaging.signature import expected_signature

    data = {"MessageSid": sid, "From": phone, "To": "+14155550000", "Body": body}
    headers = {"HTTP_X_TWILIO_SIGNATURE": expected_signature(token, settings.BASE_URL + "/sms/inbound",
                                                             data.items())} if sign else {}
    return client.post("/sms/inbound", data, **headers)
