"""Every staff page under hostile input: unknown ids and bad parameters are a 4xx, never a 500.

Like the API's schemathesis run, but for the server-rendered staff pages: hypothesis picks a
URL pattern under /staff/, fills its ids with real, unknown or absurd values, adds garbage
query and form parameters, and sends it signed in as each role (and signed out).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.pathway.fixtures import maria_case, maria_submitted, nora, rooms  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

PARAMETERS = ["page", "status", "day", "who", "action", "q", "assigned", "overdue", "patient", "v", "start",
              "room", "resource", "purpose", "owner", "name", "kind", "channel", "assignee", "active",
              "number", "levels", "egfr", "inr", "target_start", "reason", "note", "outcome", "language"]
GARBAGE = st.sampled_from([
    "", "0", "-1", "99999999999999999999999", "1e308", "nan", "abc", "9999-12-31", "0001-01-01",
    "2026-02-30", "2026-13-01T25:61", "00000000-0000-0000-0000-000000000000", "' OR 1=1 --",
    "<script>x</script>", "\x00", "é" * 300, "true", "on", "[]", "{}", "%", "../../etc/passwd",
]) | st.text(max_size=20)


def _routes(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[tuple[str, Any]]:
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry, route)
        elif isinstance(entry, URLPattern) and route.startswith("staff/"):
            yield route, entry


STAFF_ROUTES = sorted({route for route, _ in _routes()})


def _fill(route: str, ids: dict[str, str], draw: Any) -> str:
    import re

    def value(match: re.Match[str]) -> str:
        kind, name = match.group(1), match.group(2)
        if kind == "uuid":
            return draw(st.sampled_from([ids.get(name, str(uuid.uuid4())), str(uuid.uuid4())]))
        if kind == "int":
            return draw(st.sampled_from(["0", "1", "2", "99999999999999999999", "2147483648"]))
        return draw(st.sampled_from(["x", "a" * 200]))

    return "/" + re.sub(r"<(\w+):(\w+)>", value, route)


@pytest.fixture
def people(make_staff: Any, nora: Any, sam: Any, rita: Any, alex: Any) -> dict[str, Any]:  # noqa: F811
    return {"sam": sam, "nora": nora, "rita": rita, "alex": alex}


def test_it_knows_the_staff_pages() -> None:
    assert len(STAFF_ROUTES) >= 30, STAFF_ROUTES


@settings(max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_it_answers_every_staff_page_without_a_server_error(
    client: Any, people: dict[str, Any], maria_submitted: Any, rooms: Any, data: Any,  # noqa: F811
) -> None:
    from django.test import Client

    ids = {"case_id": str(maria_submitted.pk), "request_id": str(uuid.uuid4())}
    route = data.draw(st.sampled_from(STAFF_ROUTES))
    url = _fill(route, ids, data.draw)
    who = data.draw(st.sampled_from([None, "sam", "nora", "rita", "alex"]))
    params = data.draw(st.dictionaries(st.sampled_from(PARAMETERS), GARBAGE, max_size=4))
    method = data.draw(st.sampled_from(["get", "post"]))
    browser = Client(raise_request_exception=False)
    if who is not None:
        _sign_in(browser, people[who])
    response = getattr(browser, method)(url, params)
    assert response.status_code < 500, (method, url, who, params, response.status_code)


def _sign_in(browser: Any, user: Any) -> None:
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
        user=user, name="test", confirmed=True)
    browser.force_login(user)
    session = browser.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


PARAM_SETS = [{}, {p: "abc" for p in PARAMETERS}, {p: "99999999999999999999" for p in PARAMETERS},
              {p: "9999-12-31" for p in PARAMETERS}, {p: "" for p in PARAMETERS}, {"day": "0001-01-01"},
              {"page": "-1"}, {"start": "2026-13-40T99:99"}]


def test_it_answers_a_sweep_of_every_page_role_and_bad_value_without_a_server_error(
    people: dict[str, Any], maria_submitted: Any, rooms: Any,  # noqa: F811
) -> None:
    import re

    from django.test import Client

    failures = []
    known = {"uuid": [str(maria_submitted.pk), str(uuid.uuid4())], "int": ["1", "0", "99999999999999999999"],
             "slug": ["x"], "str": ["x"]}
    for route in STAFF_ROUTES:
        names = re.findall(r"<(\w+):\w+>", route)
        combos = [dict(zip(range(len(names)), values, strict=True)) for values in _product([known[n] for n in names])]
        for combo in combos:
            parts = re.split(r"<\w+:\w+>", route)
            url = "/" + "".join(part + (list(combo.values())[i] if i < len(combo) else "")
                                for i, part in enumerate(parts))
            for who in ["sam", "nora", "rita", "alex"]:
                browser = Client(raise_request_exception=False)
                _sign_in(browser, people[who])
                for params in PARAM_SETS:
                    for method in ("get", "post"):
                        status = getattr(browser, method)(url, params).status_code
                        if status >= 500:
                            failures.append((method, url, who, params))
    assert not failures, "\n".join(map(str, failures[:40]))


def _product(lists: list[list[str]]) -> list[list[str]]:
    import itertools

    return [list(p) for p in itertools.product(*lists)]
