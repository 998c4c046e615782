"""ENGINE "kyphoplan.web.sqlite": see the package docstring."""

from __future__ import annotations

from typing import Any

from django.db.backends.sqlite3 import base


class DatabaseOperations(base.DatabaseOperations):
    def execute_sql_flush(self, sql_list: list[str]) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%%_append_only_%%'"
            )
            triggers = cursor.fetchall()
        lift = [f'DROP TRIGGER "{name}"' for name, _ in triggers]
        restore = [sql for _, sql in triggers]
        super().execute_sql_flush([*lift, *sql_list, *restore])


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
