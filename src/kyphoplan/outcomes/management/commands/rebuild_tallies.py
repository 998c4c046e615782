"""Recompute the dashboard's running tallies from the tables (after a restore or a bulk load)."""

from typing import Any

from django.core.management.base import BaseCommand

from kyphoplan.callbacks import sla
from kyphoplan.followup import tally
from kyphoplan.liaison.services import rebuild_tally


class Command(BaseCommand):
    help = "Rebuild the follow-up, bone-health and call-back service-level tallies behind /staff/outcomes/."

    def handle(self, *args: Any, **options: Any) -> None:
        tally.rebuild()
        rebuild_tally()
        sla.rebuild()
        self.stdout.write("tallies rebuilt")
