"""`kyphoplan serve [--port N]`: the demo. Migrates, adds demo data to an empty
database, and serves on 127.0.0.1 with Django's threaded server.

Production runs gunicorn instead: see docs/deploy.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="kyphoplan serve", description=__doc__)
    parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000)")
    parser.add_argument("--no-serve", action="store_true", help="set up the database, then exit")
    return parser.parse_args(argv)


def _print_accounts(accounts: list[dict[str, str]]) -> None:
    print("\nDemo staff accounts (shown once; they are not stored in clear anywhere):")
    for a in accounts:
        print(f"  {a['username']:<6} {a['role']:<18} password: {a['password']}")
        print(f"         TOTP secret: {a['totp_secret']}")
        print(f"         {a['otpauth_uri']}")
    print("Add the secret to an authenticator app to get the 6-digit sign-in codes.\n")


def _deliver_forever(stop: threading.Event) -> None:
    from django.db import close_old_connections

    from kyphoplan.outbox.delivery import deliver_pending
    from kyphoplan.reminders.delivery import run_once as send_due_reminders

    # The demo runs both workers in-process; production runs `deliver_outbox` and
    # `send_reminders --loop 5` as services (docs/deploy.md).
    while not stop.wait(5):
        try:
            deliver_pending()
            send_due_reminders(limit=50)
        finally:
            close_old_connections()


def main(argv: list[str]) -> int:
    args = _parse(argv)
    # The demo's settings carry a public dev secret; production uses kyphoplan.web.settings.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kyphoplan.web.settings_demo")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from kyphoplan.web.demo import create_demo_requests, create_demo_staff

    call_command("migrate", interactive=False, verbosity=0)
    accounts = create_demo_staff()
    if accounts:
        _print_accounts(accounts)
    from kyphoplan.booking.management.commands.seed_pathway_demo import seed_pathway_demo

    if rooms := seed_pathway_demo():
        print(f"Added {rooms} demo procedure rooms and overnight beds.")
    added = create_demo_requests(timezone.now())
    if added:
        print(f"Added {added} demo call-back requests.")
    from kyphoplan.outcomes.demo import seed_followup_demo

    if treated := seed_followup_demo(timezone.now()):  # docs/followup.md
        print(f"Added {treated} treated demo patients with follow-up answers (dashboard: /staff/outcomes/).")
    if args.no_serve:
        return 0
    stop = threading.Event()
    threading.Thread(target=_deliver_forever, args=(stop,), daemon=True).start()
    print(f"Public site: http://127.0.0.1:{args.port}/en/   Staff: http://127.0.0.1:{args.port}/staff/")
    sys.stdout.flush()
    try:
        call_command("runserver", f"127.0.0.1:{args.port}", use_reloader=False, use_threading=True)
    finally:
        stop.set()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
