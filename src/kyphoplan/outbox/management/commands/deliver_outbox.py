"""`deliver_outbox [--loop SECONDS]`: send waiting emails (run from cron or as a service)."""

import time

from django.core.management.base import BaseCommand

from kyphoplan.outbox.delivery import deliver_pending


class Command(BaseCommand):
    help = "Send waiting outbox emails once, or every N seconds with --loop N."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--loop", type=int, default=0, help="repeat every N seconds")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        while True:
            sent, failed = deliver_pending()
            if sent or failed:
                self.stdout.write(f"sent {sent}, failed {failed}")
            if not options["loop"]:
                return
            time.sleep(options["loop"])
