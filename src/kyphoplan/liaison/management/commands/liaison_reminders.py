"""Email the liaison inbox about bone-health steps still open (run daily)."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from kyphoplan.liaison.services import remind_open_steps


class Command(BaseCommand):
    help = "Remind staff of open bone-health steps (REFERENCE §13a)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"reminders queued: {remind_open_steps(timezone.now())}")
