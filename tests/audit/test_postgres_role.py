"""The documented PostgreSQL role (docs/postgres-app-role.sql) cannot rewrite the audit trail."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action, AuditEvent

pytestmark = pytest.mark.django_db
SQL = (Path(__file__).resolve().parents[2] / "docs" / "postgres-app-role.sql").read_text()


def _statements(role: str) -> list[str]:
    lines = [line for line in SQL.splitlines() if not line.lstrip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).replace("kyphoplan_app", role).split(";") if s.strip()]


def _as(role: str, sql: str) -> None:
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f'SET LOCAL ROLE "{role}"')
        cur.execute(sql)


def test_it_lets_the_app_role_add_and_read_but_never_rewrite(sam: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("roles are PostgreSQL's; SQLite's triggers are tested in test_audit.py")
    role = f"kyphoplan_app_test_{os.getpid()}"  # roles are cluster-wide: one per test process
    with connection.cursor() as cur:
        cur.execute(f'CREATE ROLE "{role}" NOLOGIN')  # rolled back with the test's transaction
        for statement in _statements(role):
            cur.execute(statement)
    record(sam, Action.VIEW, ip="10.0.0.1")
    _as(role, "INSERT INTO audit_auditevent (at, actor_id, actor_username, action, ip, object_type, object_id, detail) "
              "VALUES (now(), NULL, 'sam', 'view', NULL, '', '', '{}')")
    _as(role, "SELECT count(*) FROM audit_auditevent")
    _as(role, "UPDATE callbacks_callbackrequest SET status = status WHERE false")  # other tables: rows only
    for sql in ("TRUNCATE audit_auditevent", "DELETE FROM audit_auditevent",
                "UPDATE audit_auditevent SET actor_username = 'mallory'", "TRUNCATE callbacks_callbackrequest"):
        with pytest.raises(DatabaseError, match="permission denied"):
            _as(role, sql)
    assert AuditEvent.objects.count() == 2
