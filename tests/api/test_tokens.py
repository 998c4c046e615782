"""Integration tokens: shown once, stored as a hash, refused when revoked, expired or inactive."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from kyphoplan.api.models import ApiToken, Scope
from kyphoplan.api.tokens import check, issue
from kyphoplan.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_it_stores_only_a_hash_and_checks_the_whole_token(alex: Any) -> None:
    now = timezone.now()
    row, text = issue(alex, "EHR", [Scope.FHIR_READ], now=now)
    assert text not in str(ApiToken.objects.values().get())
    caller = check(text, now=now)
    assert caller is not None and caller.user == alex and caller.has(Scope.FHIR_READ)
    assert not caller.has(Scope.PLANS_PREVIEW)
    assert check(text[:-1] + ("A" if text[-1] != "A" else "B"), now=now) is None
    assert check(f"kp_{row.prefix}_", now=now) is None
    assert check("", now=now) is None


def test_it_refuses_revoked_expired_and_inactive_owners(alex: Any) -> None:
    now = timezone.now()
    row, text = issue(alex, "EHR", [Scope.FHIR_READ], now=now, expires_at=now + timedelta(days=1))
    assert check(text, now=now + timedelta(days=2)) is None
    row.revoked_at = now
    row.save()
    assert check(text, now=now) is None
    _, other = issue(alex, "EHR 2", [Scope.FHIR_READ], now=now)
    alex.is_active = False
    alex.save()
    assert check(other, now=now) is None


def test_it_makes_a_token_from_the_command_line_and_audits_it(alex: Any) -> None:
    out = StringIO()
    call_command("create_api_token", "--owner", "alex", "--name", "EHR import", "--scope", "fhir:read",
                 "--scope", "plans:preview", stdout=out)
    text = out.getvalue().strip()
    caller = check(text, now=timezone.now())
    assert caller is not None and caller.token.scopes == ["fhir:read", "plans:preview"]
    assert AuditEvent.objects.filter(object_type="apitoken", actor_username="alex").exists()


@pytest.mark.parametrize("days", ["0", "-1", "100000"])
def test_it_refuses_a_lifetime_that_is_not_a_lifetime(alex: Any, days: str) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--days"):
        call_command("create_api_token", "--owner", "alex", "--name", "EHR", "--scope", "fhir:read",
                     "--days", days, stdout=StringIO())
    assert not AuditEvent.objects.filter(object_type="apitoken").exists()


def test_it_makes_a_token_that_expires_after_the_days_asked(alex: Any) -> None:
    out = StringIO()
    call_command("create_api_token", "--owner", "alex", "--name", "EHR", "--scope", "fhir:read",
                 "--days", "1", stdout=out)
    now = timezone.now()
    assert check(out.getvalue().strip(), now=now) is not None
    assert check(out.getvalue().strip(), now=now + timedelta(days=2)) is None
