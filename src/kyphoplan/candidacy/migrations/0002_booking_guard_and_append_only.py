"""The database refuses an active booking for a case whose candidacy is blocked (an absolute
contraindication without a radiologist's override), and keeps overrides, sign-offs and
payer-criteria versions append-only.

As in plans/0002: SQLite gets INSERT/UPDATE triggers only (Django's test flush empties
tables with DELETE there); PostgreSQL also refuses DELETE of the append-only rows. The
PostgreSQL guard raises SQLSTATE 23514 (check_violation) so both databases surface it as
an IntegrityError.
"""

from django.db import migrations

BLOCKED = "a case with an absolute contraindication and no recorded override cannot be booked"

SQLITE_UP = [
    f"""CREATE TRIGGER IF NOT EXISTS candidacy_booking_guard_insert BEFORE INSERT ON booking_booking
    WHEN NEW.status = 'active' AND EXISTS (
      SELECT 1 FROM candidacy_candidacy WHERE case_id = NEW.case_id AND booking_blocked)
    BEGIN SELECT RAISE(ABORT, '{BLOCKED}'); END;""",
    f"""CREATE TRIGGER IF NOT EXISTS candidacy_booking_guard_update BEFORE UPDATE OF status ON booking_booking
    WHEN NEW.status = 'active' AND OLD.status <> 'active' AND EXISTS (
      SELECT 1 FROM candidacy_candidacy WHERE case_id = NEW.case_id AND booking_blocked)
    BEGIN SELECT RAISE(ABORT, '{BLOCKED}'); END;""",
] + [
    f"""CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table}
    BEGIN SELECT RAISE(ABORT, 'these rows are never changed'); END;"""
    for table in ("candidacy_contraindicationoverride", "candidacy_checklistsignoff",
                  "candidacy_payercriteriaversion")
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS candidacy_booking_guard_insert;",
    "DROP TRIGGER IF EXISTS candidacy_booking_guard_update;",
] + [f"DROP TRIGGER IF EXISTS {table}_no_update;" for table in (
    "candidacy_contraindicationoverride", "candidacy_checklistsignoff", "candidacy_payercriteriaversion")]

PG_UP = [
    f"""CREATE OR REPLACE FUNCTION candidacy_booking_guard() RETURNS trigger AS $$
    BEGIN
      IF NEW.status = 'active' AND (TG_OP = 'INSERT' OR OLD.status <> 'active') AND EXISTS (
          SELECT 1 FROM candidacy_candidacy WHERE case_id = NEW.case_id AND booking_blocked) THEN
        RAISE EXCEPTION '{BLOCKED}' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;""",
    "DROP TRIGGER IF EXISTS candidacy_booking_guard ON booking_booking;",
    """CREATE TRIGGER candidacy_booking_guard BEFORE INSERT OR UPDATE OF status ON booking_booking
    FOR EACH ROW EXECUTE FUNCTION candidacy_booking_guard();""",
    """CREATE OR REPLACE FUNCTION candidacy_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'these rows are never changed or deleted'; END $$ LANGUAGE plpgsql;""",
] + [
    stmt
    for table in ("candidacy_contraindicationoverride", "candidacy_checklistsignoff",
                  "candidacy_payercriteriaversion")
    for stmt in (f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
                 f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
                 FOR EACH ROW EXECUTE FUNCTION candidacy_append_only();""")
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS candidacy_booking_guard ON booking_booking;",
    "DROP FUNCTION IF EXISTS candidacy_booking_guard();",
] + [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};" for table in (
    "candidacy_contraindicationoverride", "candidacy_checklistsignoff", "candidacy_payercriteriaversion")] + [
    "DROP FUNCTION IF EXISTS candidacy_append_only();",
]


def _run(sql_by_vendor):
    def run(apps, schema_editor):
        with schema_editor.connection.cursor() as cursor:
            for statement in sql_by_vendor.get(schema_editor.connection.vendor, []):
                cursor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("candidacy", "0001_initial"), ("booking", "0002_initial")]
    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}),
        )
    ]
