"""Recompute the dashboard's running tallies from the tables (after a restore or a bulk load)."""

from typing import Any

from django.core.management.base import BaseCommand

from kyphoplan.outcomes.metrics import rebuild_tallies


class Command(BaseCommand):
    help = "Rebuild the follow-up, bone-health and call-back service-level tallies behind /staff/outcomes/."

    def handle(self, *args: Any, **options: Any) -> None:
        rebuild_tallies()
        self.stdout.write("tallies rebuilt")
