"""The audit trail is append-only, and only Alex the admin can browse or export it."""

from __future__ import annotations

from datetime import UTC
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action, AppendOnlyError, AuditEvent

pytestmark = pytest.mark.django_db


def test_it_refuses_changes_through_the_orm(sam: Any) -> None:
    event = record(sam, Action.VIEW, ip="10.0.0.1", object_type="x", object_id="1")
    event.action = Action.UPDATE
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(action=Action.LOGIN)
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_it_refuses_updates_in_the_database_itself(sam: Any) -> None:
    record(sam, Action.VIEW, ip="10.0.0.1")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE audit_auditevent SET actor_username = 'mallory'")
    assert AuditEvent.objects.get().actor_username == "sam"


def test_it_refuses_deletes_in_the_database_itself(sam: Any) -> None:
    record(sam, Action.VIEW, ip="10.0.0.1")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_keeps_the_guards_across_a_deliberate_flush(sam: Any) -> None:
    from django.core.management import call_command

    record(sam, Action.VIEW, ip="10.0.0.1")
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
    record(None, Action.VIEW, ip="10.0.0.1")
    for sql in ("DELETE FROM audit_auditevent", "UPDATE audit_auditevent SET actor_username = 'mallory'"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql)
    assert AuditEvent.objects.count() == 1


def test_it_lets_alex_browse_and_export(client: Client, alex: Any, verified: Any) -> None:
    verified(alex)
    record(None, Action.LOGIN_FAILED, ip="192.0.2.7", username="nobody")
    page = client.get("/staff/audit/")
    assert page.status_code == 200
    assert "192.0.2.7" in page.content.decode()
    filtered = client.get("/staff/audit/?action=login_failed").content.decode()
    assert "nobody" in filtered
    csv_text = b"".join(client.get("/staff/audit/export.csv").streaming_content).decode()
    assert csv_text.startswith("at,actor_username,action")
    assert "192.0.2.7" in csv_text
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_type="auditevent").exists()


def test_it_keeps_sam_out_of_admin_pages(client: Client, sam: Any, verified: Any) -> None:
    verified(sam)
    for url in ["/staff/audit/", "/staff/audit/export.csv", "/staff/requests/export.csv"]:
        assert client.get(url).status_code == 403, url
    assert AuditEvent.objects.filter(action=Action.DENIED, actor_username="sam").count() == 3
    assert "Audit trail" not in client.get("/staff/requests/").content.decode()


def test_it_filters_the_trail_by_day_person_and_record_and_shows_detail_in_words(
        client: Client, alex: Any, sam: Any, verified: Any) -> None:
    from datetime import datetime

    day = datetime(2026, 11, 20, 12, tzinfo=UTC)
    record(sam, Action.UPDATE, ip=None, object_type="callbackrequest", object_id="req-1", at=day,
           detail={"status": ["new", "attempted"], "note": True})
    record(sam, Action.VIEW, ip=None, object_type="case", object_id="case-9", at=day.replace(day=22))
    record(alex, Action.VIEW, ip=None, object_type="case", object_id="case-9", at=day.replace(day=22))
    verified(alex)
    page = client.get("/staff/audit/?who=sam&start=2026-11-19&end=2026-11-20").content.decode()
    assert "req-1" in page and "case-9" not in page
    assert "status: new → attempted" in page and "note written: yes" in page and "{&#x27;" not in page
    by_record = client.get("/staff/audit/?record=case-9").content.decode()
    assert by_record.count("case case-9</td>") == 2 and "req-1" not in by_record
    bad = client.get("/staff/audit/?start=2026-11-22&end=2026-11-20").content.decode()
    assert "The end is before the start." in bad and "req-1" not in bad
    csv_text = b"".join(client.get("/staff/audit/export.csv?record=case-9").streaming_content).decode()
    assert csv_text.count("case-9") == 2 and "req-1" not in csv_text


@pytest.mark.parametrize("planted", ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+2", "-2+3", "@SUM(A1)",
                                     "a\tcmd"])
def test_it_neutralises_a_formula_typed_as_a_username_at_sign_in(client: Client, alex: Any, verified: Any,
                                                                  planted: str) -> None:
    import csv
    import io

    client.post("/staff/login/", {"username": planted, "password": "wrong password 123"})
    stored = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert stored.actor_username == planted  # the audit keeps what was typed
    # The sign-in form strips spaces, so leading tabs and returns are planted directly.
    record(None, Action.LOGIN_FAILED, ip="192.0.2.8", username="\t" + planted)
    record(None, Action.LOGIN_FAILED, ip="192.0.2.8", username="\r" + planted)
    verified(alex)
    body = b"".join(client.get("/staff/audit/export.csv").streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))
    cells = [cell for row in rows[1:] for cell in row]
    if planted[0] != "a":
        assert "'" + planted in cells
    assert {"'\t" + planted, "'\r" + planted} <= set(cells)
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
