"""Queue the follow-up check-ins that are due (run every few minutes, beside send_reminders)."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from kyphoplan.followup.dispatch import dispatch_due_checkins


class Command(BaseCommand):
    help = "Send due follow-up check-ins through the reminders outbox."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(str(dispatch_due_checkins(timezone.now())))
