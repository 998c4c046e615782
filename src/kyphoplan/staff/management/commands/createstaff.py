"""`createstaff USERNAME --role ROLE`: add a staff member, or reset one's sign-in.

Prints a one-time password. The person sets up their authenticator app at first
sign-in. `--reset` gives an existing account a new password and removes its
TOTP devices (a lost phone); the change is audited.
"""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.staff.roles import Role, ensure_roles


class Command(BaseCommand):
    help = "Create a staff account with a role, or --reset an existing one."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("username")
        parser.add_argument("--role", choices=Role.values)
        parser.add_argument("--reset", action="store_true", help="new password, new TOTP device")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        users = get_user_model().objects
        username = options["username"]
        password = secrets.token_urlsafe(15)
        with transaction.atomic():
            user = users.filter(username=username).first()
            if user is None:
                if not options["role"]:
                    raise CommandError("a new account needs --role")
                user = users.create_user(username=username, password=password)
                user.groups.add(ensure_roles()[Role(options["role"])])
                detail = {"created": True, "role": options["role"]}
            elif options["reset"]:
                user.set_password(password)
                user.save(update_fields=["password"])
                TOTPDevice.objects.filter(user=user).delete()
                detail = {"reset": True}
            else:
                raise CommandError(f"{username} exists; use --reset to give a new password")
            record(
                None,
                Action.UPDATE,
                ip=None,
                object_type="user",
                object_id=user.pk,
                detail=detail,
                username="cli:createstaff",
            )
        self.stdout.write(f"{username}: one-time password {password}")
        self.stdout.write("They set up their authenticator app at first sign-in.")
