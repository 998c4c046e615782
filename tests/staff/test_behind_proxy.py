"""Behind a reverse proxy, lockouts and audit rows name the client, never the proxy.

Without a trusted-proxy list every request came from the proxy's address, so five wrong
passwords from anyone locked the username for everyone.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory

from kyphoplan.audit.models import Action, AuditEvent
from kyphoplan.web.net import client_ip
from tests.staff.test_sign_in import PASSWORD, sam_with_password  # noqa: F401

pytestmark = pytest.mark.django_db
PROXY = "10.0.0.2"


@pytest.fixture
def behind_proxy(settings: Any) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]


def _via_proxy(client_address: str) -> Client:
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{client_address}, 10.0.0.7")


def test_it_locks_out_only_the_address_that_guessed(behind_proxy: None, sam_with_password: Any) -> None:  # noqa: F811
    mallory = _via_proxy("203.0.113.66")
    for _ in range(5):
        response = mallory.post("/staff/login/", {"username": "sam", "password": "wrong password"})
    assert response.status_code == 429
    assert mallory.post("/staff/login/", {"username": "sam", "password": PASSWORD}).status_code == 429
    sam_at_work = _via_proxy("198.51.100.20")
    assert sam_at_work.post("/staff/login/", {"username": "sam", "password": PASSWORD})["Location"] == "/staff/verify/"
    failed = AuditEvent.objects.filter(action=Action.LOGIN_FAILED)
    assert set(failed.values_list("ip", flat=True)) == {"203.0.113.66"}


@pytest.mark.parametrize(("peer", "forwarded", "expected"), [
    ("203.0.113.9", "1.2.3.4", "203.0.113.9"),  # not a proxy: the header is the client's own words
    (PROXY, "1.2.3.4", "1.2.3.4"),
    (PROXY, "1.2.3.4, 203.0.113.9", "203.0.113.9"),  # the left entry was written by the client
    (PROXY, "1.2.3.4, 203.0.113.9, 10.0.0.5", "203.0.113.9"),  # chained trusted proxies are skipped
    (PROXY, "", PROXY),
    (PROXY, "not an address", PROXY),
])
def test_it_believes_x_forwarded_for_only_from_a_trusted_proxy(behind_proxy: None, peer: str, forwarded: str,
                                                                expected: str) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_it_ignores_the_header_without_a_trusted_proxy(settings: Any) -> None:
    settings.TRUSTED_PROXIES = []
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "127.0.0.1"
