"""`deliver_outbox [--loop SECONDS] [--batch N]`: send waiting staff emails and call-back
confirmations (run as a service)."""

import time

from django.core.management.base import BaseCommand

from kyphoplan.outbox.delivery import BATCH, run_once


class Command(BaseCommand):
    help = ("Send waiting staff emails and call-back confirmations until none is due, then stop, or wait N seconds and look "
            "again with --loop N. Safe to run several at once.")

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--loop", type=float, default=0, help="look again every N seconds")
        parser.add_argument("--batch", type=int, default=BATCH, help="messages claimed per round")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        while True:
            counts = run_once(limit=options["batch"])
            if counts:
                self.stdout.write(", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
            if sum(counts.values()) >= options["batch"]:
                continue  # a full batch: there may be more waiting, so no sleep
            if not options["loop"]:
                return
            time.sleep(options["loop"])
