"""GET /api/v1/bookings: paged, filtered by day, case and status, role-checked and audited."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from kyphoplan.audit.models import AuditEvent
from kyphoplan.booking import services
from kyphoplan.cases.services import CaseDetails, open_case
from tests.pathway.fixtures import NOW, START

pytestmark = pytest.mark.django_db


def _get(client: Any, url: str, token: str | None = None) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.get(url, **headers)


@pytest.fixture
def bookings(maria_case: Any, sam: Any, rooms: dict[str, Any]) -> dict[str, Any]:
    """Maria booked for Monday 14 Dec, then moved to Tuesday (overnight); Olga on Wednesday."""
    monday = services.book(sam, maria_case, room=rooms["room1"], start=START, ip=None, now=NOW)
    tuesday = services.book(sam, maria_case, room=rooms["room2"], start=START + timedelta(days=1), overnight=True,
                            ip=None, now=NOW)
    olga = open_case(sam, CaseDetails(patient_name="Olga Other", levels_to_treat=("L2",)), ip=None, now=NOW)
    wednesday = services.book(sam, olga, room=rooms["room1"], start=START + timedelta(days=2), ip=None, now=NOW)
    monday.refresh_from_db()
    return {"monday": monday, "tuesday": tuesday, "wednesday": wednesday, "olga": olga}


def _ids(page: dict[str, Any]) -> list[int]:
    return [item["id"] for item in page["items"]]


def test_it_lists_bookings_by_day_case_and_status(client: Any, bookings: dict[str, Any], maria_case: Any,
                                                  nora: Any, token_for: Any) -> None:
    token = token_for(nora, "bookings:read")
    mon, tue, wed = bookings["monday"].pk, bookings["tuesday"].pk, bookings["wednesday"].pk
    page = _get(client, "/api/v1/bookings", token).json()
    assert _ids(page) == [mon, tue, wed] and page["next_cursor"] is None and page["page_size"] == 50
    assert _ids(_get(client, "/api/v1/bookings?from=2026-12-15", token).json()) == [tue, wed]
    assert _ids(_get(client, "/api/v1/bookings?to=2026-12-14", token).json()) == [mon]
    assert _ids(_get(client, "/api/v1/bookings?from=2026-12-15&to=2026-12-15", token).json()) == [tue]
    assert _ids(_get(client, f"/api/v1/bookings?case={maria_case.pk}", token).json()) == [mon, tue]
    assert _ids(_get(client, "/api/v1/bookings?status=active", token).json()) == [tue, wed]
    assert _ids(_get(client, "/api/v1/bookings?status=moved", token).json()) == [mon]
    searches = AuditEvent.objects.filter(actor_username="nora", action="search", object_type="booking",
                                         detail__via="api")
    assert searches.count() == 7
    assert searches.filter(detail__filters=["from", "to"], detail__count=1, detail__ids=[str(tue)]).exists()


def test_it_pages_bookings(client: Any, bookings: dict[str, Any], nora: Any, token_for: Any) -> None:
    token = token_for(nora, "bookings:read")
    first = _get(client, "/api/v1/bookings?page_size=2", token).json()
    assert _ids(first) == [bookings["monday"].pk, bookings["tuesday"].pk] and first["next_cursor"]
    second = _get(client, f"/api/v1/bookings?page_size=2&cursor={first['next_cursor']}", token).json()
    assert _ids(second) == [bookings["wednesday"].pk] and second == {**second, "next_cursor": None, "page_size": 2}
    bad = _get(client, "/api/v1/bookings?page_size=101", token)
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "page_size"


def test_it_reads_a_booking_and_audits_it(client: Any, bookings: dict[str, Any], maria_case: Any, rita: Any,
                                          token_for: Any) -> None:
    tuesday = bookings["tuesday"]
    response = _get(client, f"/api/v1/bookings/{tuesday.pk}", token_for(rita, "bookings:read"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body == {**body, "id": tuesday.pk, "case_id": str(maria_case.pk), "room": "Room 2", "bed": "Bed 1",
                    "overnight": True, "levels": 2, "status": "active", "ended_at": None}
    assert [datetime.fromisoformat(body[k]) for k in ("arrive", "start", "end", "discharge")] == [
        tuesday.arrive, tuesday.start, tuesday.end, tuesday.discharge]
    assert "patient_name" not in body
    assert AuditEvent.objects.filter(actor_username="rita", action="view", object_type="booking",
                                     object_id=str(tuesday.pk), detail__case=str(maria_case.pk)).exists()
    moved = _get(client, f"/api/v1/bookings/{bookings['monday'].pk}", token_for(rita, "bookings:read")).json()
    assert moved["status"] == "moved" and moved["bed"] is None and not moved["overnight"] and moved["ended_at"]


def test_it_refuses_bookings_without_a_token_scope_or_role(client: Any, bookings: dict[str, Any], nora: Any,
                                                            token_for: Any) -> None:
    from django.contrib.auth import get_user_model

    url = f"/api/v1/bookings/{bookings['tuesday'].pk}"
    for path in (url, "/api/v1/bookings"):
        response = _get(client, path)
        assert response.status_code == 401 and response.json()["error"]["code"] == "unauthenticated"
        response = _get(client, path, token_for(nora, "cases:read", "intake:read"))
        assert response.status_code == 403 and response.json()["error"]["code"] == "missing-scope"
    outsider = get_user_model().objects.create_user(username="outsider")
    response = _get(client, url, token_for(outsider, "bookings:read"))
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    assert AuditEvent.objects.filter(action="denied", actor_username="outsider").exists()
    assert not AuditEvent.objects.filter(object_type="booking", action__in=["view", "search"]).exists()


def test_it_answers_booking_errors_in_one_shape(client: Any, bookings: dict[str, Any], nora: Any,
                                                token_for: Any) -> None:
    token = token_for(nora, "bookings:read")
    missing = _get(client, "/api/v1/bookings/999999", token)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not-found"
    backwards = _get(client, "/api/v1/bookings?from=2026-12-15&to=2026-12-14", token)
    assert backwards.status_code == 422 and backwards.json()["error"] == {
        "code": "invalid", "message": "is before from", "field": "to"}
    for query, field in (("from=someday", "from"), ("to=0001-01-01", "to"), ("case=maria", "case"),
                         ("status=lost", "status")):
        bad = _get(client, f"/api/v1/bookings?{query}", token)
        assert bad.status_code == 422 and bad.json()["error"]["field"] == field, (query, bad.content)
    too_big = _get(client, f"/api/v1/bookings/{2**63}", token)
    assert too_big.status_code == 422 and too_big.json()["error"]["field"] == "booking_id"
