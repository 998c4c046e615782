"""Migration helpers: a trigram index for `LIKE '%term%'` searches on PostgreSQL (pg_trgm),
nothing on SQLite (it scans, which is fine at a single practice's size)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Runner = Callable[[Any, Any], None]


def create_trigram_index(table: str, column: str, name: str) -> Runner:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ("{column}" gin_trgm_ops)')

    return run


def drop_index(name: str) -> Runner:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return run


def backfill_search_text(app: str, model: str, fields: dict[str, str]) -> Runner:
    """Fill the search column of rows written before it existed. `fields` maps the
    textsearch.search_text argument names to the model's field names."""
    from kyphoplan.web.textsearch import search_text

    def run(apps: Any, schema_editor: Any) -> None:
        cls = apps.get_model(app, model)
        batch = []
        for row in cls.objects.only("pk", *fields.values()).iterator(chunk_size=2000):
            row.search_text = search_text(**{arg: getattr(row, f) for arg, f in fields.items()})
            batch.append(row)
            if len(batch) == 2000:
                cls.objects.bulk_update(batch, ["search_text"])
                batch = []
        if batch:
            cls.objects.bulk_update(batch, ["search_text"])

    return run
