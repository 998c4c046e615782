"""`createstaff USERNAME --role ROLE --email ADDRESS`: add a staff member, or reset one's sign-in.

Nobody is ever told a password. The account gets an unusable password and a one-time
set-password link is emailed through the outbox to the person's own address
(staff/passwords.py); they then set up their authenticator app at first sign-in.
`--reset` does the same for an existing account and removes its TOTP devices (a lost
phone or a forgotten password). `--print-link` prints the link instead of emailing it,
for the first admin of a server that cannot send mail yet; it still works only once.
Every change is audited.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from kyphoplan.staff.passwords import NoEmailAddress, send_set_password_link
from kyphoplan.staff.roles import Role, ensure_roles


class Command(BaseCommand):
    help = "Create a staff account with a role, or --reset an existing one; a one-time set-password link is emailed."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("username")
        parser.add_argument("--role", choices=Role.values)
        parser.add_argument("--email", help="the person's own address, where the link goes")
        parser.add_argument("--reset", action="store_true", help="new password by link, new TOTP device")
        parser.add_argument("--print-link", action="store_true",
                            help="print the one-time link instead of emailing it (first admin, no mail yet)")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        users = get_user_model().objects
        username = options["username"]
        email = options["email"] or ""
        if email:
            try:
                validate_email(email)
            except ValidationError:
                raise CommandError(f"--email {email!r} is not an email address") from None
        deliver = not options["print_link"]
        with transaction.atomic():
            user = users.filter(username=username).first()
            if user is None:
                if not options["role"]:
                    raise CommandError("a new account needs --role")
                user = users.create_user(username=username, email=email)
                user.groups.add(ensure_roles()[Role(options["role"])])
                reset = False
            elif options["reset"]:
                if email:
                    user.email = email
                    user.save(update_fields=["email"])
                reset = True
            else:
                raise CommandError(f"{username} exists; use --reset to send a new set-password link")
            try:
                link = send_set_password_link(user, acting="cli:createstaff", ip=None, now=timezone.now(),
                                              reset=reset, deliver=deliver)
            except NoEmailAddress:
                raise CommandError(f"{username} has no email address: give --email, or --print-link") from None
        if deliver:
            self.stdout.write(f"{username}: a one-time set-password link is on its way to {user.email}.")
        else:
            self.stdout.write(f"{username}: one-time set-password link (works once): {link}")
        self.stdout.write("They set up their authenticator app at first sign-in.")
