"""`kyphoplan serve [--port N]`: the demo, run the way production runs.

Migrates, adds demo data to an empty database, then serves with gunicorn (gthread, as in
docs/deploy.md) on 127.0.0.1. Links in every message are built from the address actually
served. No message leaves the machine: a local SMTP server and a local Twilio-compatible
SMS endpoint keep every email and text in the development inbox (/staff/inbox/), and
the delivery workers run in this process, so an intake link, a plan link and the
reminders can be followed to the end.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
from types import FrameType


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="kyphoplan serve", description=__doc__)
    parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--no-serve", action="store_true", help="set up the database, then exit")
    return parser.parse_args(argv)


def _print_accounts(accounts: list[dict[str, str]]) -> None:
    print("\nDemo staff accounts (shown once; they are not stored in clear anywhere):")
    for a in accounts:
        print(f"  {a['username']:<6} {a['role']:<18} password: {a['password']}")
        print(f"         TOTP secret: {a['totp_secret']}")
        print(f"         {a['otpauth_uri']}")
    print("Add the secret to an authenticator app to get the 6-digit sign-in codes.\n")


def work_once() -> None:
    """One pass of the demo's background work: queue due check-ins, send mail and texts,
    send due reminders. The demo runs it every 5 seconds in-process; production runs
    `send_checkins`, `deliver_outbox` and `send_reminders --loop 5` as services
    (docs/deploy.md). The daily `liaison_reminders` is left to its command: the seeded
    bone-health tracks would all be due at once."""
    from django.utils import timezone

    from kyphoplan.followup.dispatch import dispatch_due_checkins
    from kyphoplan.outbox.delivery import deliver_pending
    from kyphoplan.reminders.delivery import run_once as send_due_reminders

    dispatch_due_checkins(timezone.now())
    deliver_pending()
    send_due_reminders(limit=50)


def _deliver_forever(stop: threading.Event) -> None:
    from django.db import close_old_connections

    while not stop.wait(5):
        try:
            work_once()
        finally:
            close_old_connections()


def demo_environment(port: int, smtp_port: int, sms_url: str, environ: dict[str, str]) -> dict[str, str]:
    """The settings the demo's processes share: links point at the served port, mail and texts
    go to the local inbox. A value the person set themselves wins."""
    wanted = {
        "DJANGO_SETTINGS_MODULE": "kyphoplan.web.settings_demo",
        "KYPHOPLAN_BASE_URL": f"http://127.0.0.1:{port}",
        "KYPHOPLAN_DEV_INBOX": "1",
        "KYPHOPLAN_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "KYPHOPLAN_EMAIL_HOST": "127.0.0.1",
        "KYPHOPLAN_EMAIL_PORT": str(smtp_port),
        "KYPHOPLAN_EMAIL_TLS": "0",
        "KYPHOPLAN_SMS_API_URL": sms_url,
        "KYPHOPLAN_SMS_ACCOUNT_SID": "ACdemo",
        "KYPHOPLAN_SMS_AUTH_TOKEN": "demo",
        "KYPHOPLAN_SMS_FROM": "+15550100100",
    }
    return {**wanted, **{k: v for k, v in environ.items() if k in wanted and v}}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _gunicorn(port: int, workers: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "gunicorn", "kyphoplan.web.wsgi", "--bind", f"127.0.0.1:{port}",
               "--worker-class", "gthread", "--workers", str(workers), "--threads", "4",
               "--access-logfile", "-", "--graceful-timeout", "5",
               # Several demos may run on one machine: no shared control socket in ~/.gunicorn.
               "--no-control-socket"]
    return subprocess.Popen(command, env=env)


def main(argv: list[str]) -> int:
    args = _parse(argv)
    smtp_port, sms_port = free_port(), free_port()
    os.environ.update(demo_environment(args.port, smtp_port, f"http://127.0.0.1:{sms_port}", dict(os.environ)))
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from kyphoplan.booking.management.commands.seed_pathway_demo import seed_pathway_demo
    from kyphoplan.devinbox.sinks import SmsInbox, SmtpInbox
    from kyphoplan.web.demo import create_demo_requests, create_demo_staff

    call_command("migrate", interactive=False, verbosity=0)
    accounts = create_demo_staff()
    if accounts:
        _print_accounts(accounts)
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

    base = os.environ["KYPHOPLAN_BASE_URL"]
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command
    smtp, sms = SmtpInbox(smtp_port).start(), SmsInbox(sms_port).start()
    stop = threading.Event()
    threading.Thread(target=_deliver_forever, args=(stop,), daemon=True).start()
    server = _gunicorn(args.port, args.workers, dict(os.environ))

    def _stop(signum: int, frame: FrameType | None) -> None:
        server.terminate()

    signal.signal(signal.SIGTERM, _stop)
    print(f"Public site: {base}/en/   Staff: {base}/staff/   Development inbox: {base}/staff/inbox/")
    print("Email and text messages stay on this machine: read them in the development inbox.")
    sys.stdout.flush()
    try:
        return server.wait()
    except KeyboardInterrupt:
        server.terminate()
        return server.wait()
    finally:
        stop.set()
        smtp.stop()
        sms.stop()
