"""Link an EHR user (the launch's `iss` and the id_token's `fhirUser`) to a staff account."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kyphoplan.smart.services import link_user
from kyphoplan.staff.roles import Role, has_role


class Command(BaseCommand):
    help = "Link an EHR user (issuer + fhirUser) to a kyphoplan staff account for SMART launches (audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--issuer", required=True, help="the EHR's FHIR base URL (iss)")
        parser.add_argument("--fhir-user", required=True, help='e.g. "Practitioner/123"')
        parser.add_argument("--staff", required=True, help="the kyphoplan username")
        parser.add_argument("--by", required=True, help="the administrator making the link")

    def handle(self, *args: Any, **options: Any) -> None:
        users = get_user_model().objects
        try:
            staff = users.get(username=options["staff"], is_active=True)
            admin = users.get(username=options["by"], is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError("no such active staff account (--staff or --by)") from None
        if not has_role(admin, {Role.ADMIN}):
            raise CommandError(f"{admin.get_username()} may not link accounts")
        link = link_user(admin, issuer=options["issuer"], fhir_user=options["fhir_user"], staff_user=staff,
                         ip=None, now=timezone.now())
        self.stdout.write(f"linked {link.fhir_user} at {link.issuer} to {staff.get_username()}")
