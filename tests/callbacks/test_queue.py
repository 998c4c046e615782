"""Sam works Maria's request through the queue; Rita reads; Alex exports."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kyphoplan.audit.models import Action, AuditEvent
from kyphoplan.callbacks.models import CallbackRequest, Outcome, Status

pytestmark = pytest.mark.django_db


def test_it_lists_the_queue_and_audits_the_read(
    client: Client, sam: Any, verified: Any, maria_request: CallbackRequest
) -> None:
    verified(sam)
    r = client.get("/staff/requests/")
    assert r.status_code == 200
    assert "Maria Testpatient" in r.content.decode()
    assert r["Cache-Control"] == "no-store"
    event = AuditEvent.objects.filter(action=Action.LIST, actor_username="sam").get()
    assert event.detail["ids"] == [str(maria_request.pk)]
    assert event.ip == "127.0.0.1"


def test_it_works_a_request_from_new_to_scheduled(
    client: Client, sam: Any, verified: Any, maria_request: CallbackRequest
) -> None:
    verified(sam)
    url = f"/staff/requests/{maria_request.pk}/"
    assert "Maria Testpatient" in client.get(url).content.decode()
    client.post(url + "attempt/", {"outcome": Outcome.VOICEMAIL, "note": "left a message"})
    maria_request.refresh_from_db()
    assert maria_request.status == Status.ATTEMPTED
    client.post(url + "attempt/", {"outcome": Outcome.REACHED})
    maria_request.refresh_from_db()
    assert maria_request.status == Status.REACHED
    client.post(url + "assign/", {"assignee": str(sam.pk)})
    client.post(url + "status/", {"new_status": Status.SCHEDULED, "close_reason": ""})
    maria_request.refresh_from_db()
    assert maria_request.status == Status.SCHEDULED
    assert maria_request.assigned_to == sam
    assert [a.outcome for a in maria_request.attempts.order_by("at", "id")] == ["voicemail", "reached"]
    updates = AuditEvent.objects.filter(action=Action.UPDATE, object_id=str(maria_request.pk))
    assert updates.count() == 4
    assert AuditEvent.objects.filter(action=Action.VIEW, object_id=str(maria_request.pk)).count() >= 5


def test_it_needs_a_reason_to_close(
    client: Client, sam: Any, verified: Any, maria_request: CallbackRequest
) -> None:
    verified(sam)
    url = f"/staff/requests/{maria_request.pk}/status/"
    r = client.post(url, {"new_status": Status.CLOSED, "close_reason": ""}, follow=True)
    assert "Closing needs a reason" in r.content.decode()
    client.post(url, {"new_status": Status.CLOSED, "close_reason": "duplicate"})
    maria_request.refresh_from_db()
    assert (maria_request.status, maria_request.close_reason) == (Status.CLOSED, "duplicate")


def test_it_refuses_to_skip_straight_to_scheduled(
    client: Client, sam: Any, verified: Any, maria_request: CallbackRequest
) -> None:
    verified(sam)
    client.post(f"/staff/requests/{maria_request.pk}/status/", {"new_status": Status.SCHEDULED})
    maria_request.refresh_from_db()
    assert maria_request.status == Status.NEW


def test_it_highlights_overdue_requests_and_filters_them(
    client: Client, sam: Any, verified: Any, maria_request: CallbackRequest
) -> None:
    verified(sam)
    assert "Overdue</span>" not in client.get("/staff/requests/").content.decode()
    CallbackRequest.objects.filter(pk=maria_request.pk).update(due_by=timezone.now() - timedelta(minutes=5))
    page = client.get("/staff/requests/?overdue=1").content.decode()
    assert 'class="overdue"' in page and "Overdue</span>" in page
    CallbackRequest.objects.filter(pk=maria_request.pk).update(status=Status.REACHED)
    assert "Maria" not in client.get("/staff/requests/?overdue=1").content.decode()


def test_it_searches_without_putting_the_name_in_the_url(
    client: Client,
    sam: Any,
    verified: Any,
    maria_request: CallbackRequest,
    maria_form: dict,
    send_form: Any,
) -> None:
    send_form(
        Client(REMOTE_ADDR="10.0.0.9"),
        {**maria_form, "name": "Otto Other", "form_token": "otto-token-000000000001"},
    )
    verified(sam)
    r = client.post("/staff/requests/search/", {"q": "Testpatient"})
    assert r["Location"] == "/staff/requests/"
    page = client.get(r["Location"]).content.decode()
    assert "Maria Testpatient" in page and "Otto Other" not in page
    assert AuditEvent.objects.filter(action=Action.SEARCH).exists()
    client.post("/staff/requests/search/", {"q": "", "clear": "1"})
    assert "Otto Other" in client.get("/staff/requests/").content.decode()


def test_it_lets_rita_read_but_not_change(
    client: Client, rita: Any, verified: Any, maria_request: CallbackRequest
) -> None:
    verified(rita)
    url = f"/staff/requests/{maria_request.pk}/"
    assert client.get(url).status_code == 200
    assert client.post(url + "attempt/", {"outcome": "reached"}).status_code == 403
    maria_request.refresh_from_db()
    assert maria_request.status == Status.NEW


def test_it_exports_csv_for_alex_only(
    client: Client, sam: Any, alex: Any, verified: Any, maria_request: CallbackRequest
) -> None:
    verified(sam)
    assert client.get("/staff/requests/export.csv").status_code == 403
    assert AuditEvent.objects.filter(action=Action.DENIED, actor_username="sam").exists()
    client.logout()
    verified(alex)
    r = client.get("/staff/requests/export.csv")
    assert r.status_code == 200 and r.streaming
    text = b"".join(r.streaming_content).decode()
    assert text.splitlines()[0].startswith("reference,created_at")
    assert "Maria Testpatient" in text and "+14155550132" in text
    assert list(AuditEvent.objects.filter(action=Action.EXPORT, actor_username="alex").get().detail) == ["up_to"]


def test_it_neutralises_formulas_in_the_csv(
    client: Client, alex: Any, verified: Any, maria_form: dict, send_form: Any
) -> None:
    send_form(client, {**maria_form, "name": "=HYPERLINK(1)"})
    verified(alex)
    assert "'=HYPERLINK(1)" in b"".join(client.get("/staff/requests/export.csv").streaming_content).decode()


def test_it_gives_anonymous_visitors_no_patient_data(client: Client, maria_request: CallbackRequest) -> None:
    for url in [
        "/staff/requests/",
        f"/staff/requests/{maria_request.pk}/",
        "/staff/requests/export.csv",
        "/staff/audit/",
        "/staff/audit/export.csv",
    ]:
        r = client.get(url)
        assert r.status_code == 302 and r["Location"] == "/staff/login/", url
    r = client.post(f"/staff/requests/{maria_request.pk}/status/", {"new_status": "closed"})
    assert r.status_code == 302
    maria_request.refresh_from_db()
    assert maria_request.status == Status.NEW


def test_it_pages_a_long_queue_and_keeps_the_filters(
    client: Client, sam: Any, verified: Any, maria_form: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kyphoplan.callbacks import access
    from kyphoplan.callbacks.services import NewRequest, submit_request
    from kyphoplan.web.practice import get_practice

    monkeypatch.setattr(access, "PAGE_SIZE", 2)
    for i in range(5):
        submit_request(
            NewRequest(f"Person {i}", "+14155550100", "", "en", "other", [], [], True, False),
            form_token=f"paging-token-{i:010d}",
            ip=None,
            now=timezone.now() + timedelta(minutes=i),
            practice=get_practice(),
        )
    verified(sam)
    first = client.get("/staff/requests/?status=open").content.decode()
    assert "Person 0" in first and "Person 1" in first and "Person 2" not in first
    assert "Previous page" not in first
    second_url = re.search(r'href="(\?status=open&amp;after=[^"]+)">Next page', first)
    assert second_url
    second = client.get("/staff/requests/" + second_url.group(1).replace("&amp;", "&")).content.decode()
    assert "Person 2" in second and "Person 3" in second and "Person 1" not in second
    third_url = re.search(r'href="\?(status=open&amp;after=[^"]+)">Next page', second)
    assert third_url
    third = client.get("/staff/requests/?" + third_url.group(1).replace("&amp;", "&")).content.decode()
    assert "Person 4" in third and "Next page" not in third and "Previous page" in third
    back_url = re.search(r'href="\?(status=open&amp;before=[^"]+)">Previous page', third)
    assert back_url
    back = client.get("/staff/requests/?" + back_url.group(1).replace("&amp;", "&")).content.decode()
    assert "Person 2" in back and "Person 3" in back and "Person 4" not in back
    assert client.get("/staff/requests/?after=not-a-cursor").status_code == 200



def test_it_finds_a_request_without_accents_case_or_the_whole_reference(
    client: Client, sam: Any, verified: Any, maria_form: dict, send_form: Any
) -> None:
    from kyphoplan.callbacks.services import NewRequest, submit_request
    from kyphoplan.web.practice import get_practice

    maria, _ = submit_request(
        NewRequest("María González", "+14155550177", "", "es", "other", [], [], True, False),
        form_token="accent-token-0000000001", ip=None, now=timezone.now(), practice=get_practice())
    CallbackRequest.objects.filter(pk=maria.pk).update(status=Status.CLOSED, close_reason="duplicate")
    verified(sam)
    for typed in ["gonzalez", "GONZÁLEZ", "maria gonz", maria.reference[3:7].lower(),
                  maria.reference.replace("-", ""), "415 555 0177"]:
        client.post("/staff/requests/search/", {"q": typed})
        page = client.get("/staff/requests/").content.decode()
        # Closed, so outside the default "open" filter: a search looks in every status.
        assert "María González" in page, typed
    client.post("/staff/requests/search/", {"q": "gonzalo"})
    assert "María González" not in client.get("/staff/requests/").content.decode()


def test_it_has_trigram_indexes_for_name_search_on_postgresql() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite scans: the trigram migration is a no-op there")
    with connection.cursor() as cur:
        cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN "
                    "('callback_search_trgm', 'case_search_trgm')")
        found = dict(cur.fetchall())
    assert set(found) == {"callback_search_trgm", "case_search_trgm"}
    assert all("gin_trgm_ops" in d for d in found.values())
