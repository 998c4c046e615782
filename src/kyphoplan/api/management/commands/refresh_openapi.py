"""`manage.py refresh_openapi`: write the live /api/v1/ schema to docs/openapi.json."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kyphoplan.api.openapi import SNAPSHOT, live_schema, render


class Command(BaseCommand):
    help = "Rewrite docs/openapi.json from the running API's schema (commit the result)."

    def handle(self, *args: Any, **options: Any) -> None:
        SNAPSHOT.write_text(render(live_schema()), encoding="utf-8")
        self.stdout.write(f"wrote {SNAPSHOT}")
