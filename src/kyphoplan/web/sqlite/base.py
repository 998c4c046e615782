"""ENGINE "kyphoplan.web.sqlite": see the package docstring."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.backends.sqlite3 import base
from django.db.backends.sqlite3.operations import DatabaseOperations as SqliteOperations


class DatabaseOperations(SqliteOperations):
    def execute_sql_flush(self, sql_list: Iterable[str]) -> None:
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
