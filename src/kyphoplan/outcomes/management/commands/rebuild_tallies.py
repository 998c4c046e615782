"""Recompute the dashboard's running tallies from the tables (after a restore or a bulk load)."""

from typing import Any

from django.core.management.base import BaseCommand

from kyphoplan.followup import tally
from kyphoplan.liaison.services import rebuild_tally


class Command(BaseCommand):
    help = "Rebuild the follow-up and bone-health tallies behind /staff/outcomes/."

    def handle(self, *args: Any, **options: Any) -> None:
        tally.rebuild()
        rebuild_tally()
        self.stdout.write("tallies rebuilt")
