"""`manage.py create_api_token --owner alex --name "EHR import" --scope fhir:read`: prints the token once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kyphoplan.api.models import Scope
from kyphoplan.api.tokens import issue
from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action

MAX_DAYS = 3650


class Command(BaseCommand):
    help = "Create an integration token for /api/v1/ and /fhir/ (shown once; only its hash is kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--owner", required=True, help="username the token acts as")
        parser.add_argument("--name", required=True, help="what the token is for")
        parser.add_argument("--scope", action="append", required=True, choices=Scope.values)
        parser.add_argument("--days", type=int, default=None,
                            help=f"expire after this many days (1 to {MAX_DAYS}); without it, never")

    def handle(self, *args: Any, **options: Any) -> None:
        owner = get_user_model().objects.filter(username=options["owner"], is_active=True).first()
        if owner is None:
            raise CommandError(f"no active user {options['owner']!r}")
        days = options["days"]
        if days is not None and not 1 <= days <= MAX_DAYS:
            raise CommandError(f"--days must be 1 to {MAX_DAYS} (leave it out for a token that never expires)")
        now = timezone.now()
        expires = now + timedelta(days=options["days"]) if days is not None else None
        row, text = issue(owner, options["name"], [Scope(s) for s in options["scope"]], now=now, expires_at=expires)
        record(owner, Action.CREATE, ip=None, object_type="apitoken", object_id=row.pk, at=now,
               detail={"scopes": row.scopes, "via": "create_api_token"})
        self.stdout.write(text)
