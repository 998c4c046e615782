"""Make the database itself refuse to change a signed plan version or its overlays.

As for the audit trail: SQLite gets UPDATE (and overlay INSERT) triggers only,
because Django's test flush empties tables with DELETE there; PostgreSQL also
refuses DELETE (its flush uses TRUNCATE, which row triggers do not see).
"""

from django.db import migrations

SQLITE_UP = [
    """CREATE TRIGGER IF NOT EXISTS plans_version_signed_no_update BEFORE UPDATE ON plans_planversion
    WHEN OLD.signed_at IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'a signed plan version cannot be changed'); END;""",
    """CREATE TRIGGER IF NOT EXISTS plans_overlay_no_update BEFORE UPDATE ON plans_planoverlay
    BEGIN SELECT RAISE(ABORT, 'overlays are never changed'); END;""",
    """CREATE TRIGGER IF NOT EXISTS plans_overlay_signed_no_insert BEFORE INSERT ON plans_planoverlay
    WHEN (SELECT signed_at FROM plans_planversion WHERE id = NEW.version_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'a signed plan version cannot be changed'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS plans_version_signed_no_update;",
    "DROP TRIGGER IF EXISTS plans_overlay_no_update;",
    "DROP TRIGGER IF EXISTS plans_overlay_signed_no_insert;",
]
PG_UP = [
    """CREATE OR REPLACE FUNCTION plans_version_guard() RETURNS trigger AS $$
    BEGIN
      IF OLD.signed_at IS NOT NULL THEN RAISE EXCEPTION 'a signed plan version cannot be changed'; END IF;
      IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'plan versions are never deleted'; END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;""",
    "DROP TRIGGER IF EXISTS plans_version_guard ON plans_planversion;",
    """CREATE TRIGGER plans_version_guard BEFORE UPDATE OR DELETE ON plans_planversion
    FOR EACH ROW EXECUTE FUNCTION plans_version_guard();""",
    """CREATE OR REPLACE FUNCTION plans_overlay_guard() RETURNS trigger AS $$
    BEGIN
      IF TG_OP <> 'INSERT' THEN RAISE EXCEPTION 'overlays are never changed'; END IF;
      IF (SELECT signed_at FROM plans_planversion WHERE id = NEW.version_id) IS NOT NULL THEN
        RAISE EXCEPTION 'a signed plan version cannot be changed';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;""",
    "DROP TRIGGER IF EXISTS plans_overlay_guard ON plans_planoverlay;",
    """CREATE TRIGGER plans_overlay_guard BEFORE INSERT OR UPDATE OR DELETE ON plans_planoverlay
    FOR EACH ROW EXECUTE FUNCTION plans_overlay_guard();""",
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS plans_version_guard ON plans_planversion;",
    "DROP FUNCTION IF EXISTS plans_version_guard();",
    "DROP TRIGGER IF EXISTS plans_overlay_guard ON plans_planoverlay;",
    "DROP FUNCTION IF EXISTS plans_overlay_guard();",
]


def _run(sql_by_vendor):
    def run(apps, schema_editor):
        with schema_editor.connection.cursor() as cursor:
            for statement in sql_by_vendor.get(schema_editor.connection.vendor, []):
                cursor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]
    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}),
        )
    ]
