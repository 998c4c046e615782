"""Maria's case, signed and booked: the follow-up schedule exists from the booking on."""

from __future__ import annotations

from typing import Any

from tests.followup.fixtures import SECRET, booked, sms_token  # noqa: F401
from tests.pathway.conftest import phone_page, staff_page  # noqa: F401
from tests.pathway.fixtures import maria_case, maria_submitted, nora, rooms  # noqa: F401


def post_sms(client: Any, body: str, *, phone: str = "+14155550132", sid: str = "SM1", token: str = SECRET,
             sign: bool = True) -> Any:
    from django.conf import settings

    from kyphoplan.messaging.signature import expected_signature

    data = {"MessageSid": sid, "From": phone, "To": "+14155550000", "Body": body}
    headers = {"HTTP_X_TWILIO_SIGNATURE": expected_signature(token, settings.BASE_URL + "/sms/inbound",
                                                             data.items())} if sign else {}
    return client.post("/sms/inbound", data, **headers)
