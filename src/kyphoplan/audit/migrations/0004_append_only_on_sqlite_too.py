"""SQLite refuses DELETE of audit rows too, not only UPDATE.

The triggers are named *_append_only_*: the project's SQLite backend (kyphoplan.web.sqlite)
lifts and restores exactly those around a deliberate whole-database flush.
"""

from django.db import migrations

SQLITE_UP = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update",
    "CREATE TRIGGER audit_auditevent_append_only_update BEFORE UPDATE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END",
    "CREATE TRIGGER audit_auditevent_append_only_delete BEFORE DELETE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS audit_auditevent_append_only_update",
    "DROP TRIGGER IF EXISTS audit_auditevent_append_only_delete",
    "CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            with schema_editor.connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_filter_indexes")]
    operations = [migrations.RunPython(_run(SQLITE_UP), _run(SQLITE_DOWN))]
