"""Store each plan version's `facts` and `plan` compressed (plans.fields.CompressedJSONField).

New columns beside the old ones, a copy that compresses every row (signed ones too), the old
JSON columns removed, the new ones renamed and made NOT NULL. Backwards the same in reverse.

Signed rows are guarded by triggers (migration 0002). The copy must write them, and on SQLite
a table rebuild (changing a column's NULL does one) fails while the overlay trigger names the
table, and drops the table's own triggers. So the first operation drops 0002's guards and the
last one creates them again (going backwards too), inside the migration's transaction: both
databases run a migration in one transaction, so no other connection ever sees the tables
unguarded, and a failure rolls the DROP back with the rest.

It also gives SQLite what PostgreSQL had since 0002: a DELETE of a plan version or an overlay
is refused by the database. These triggers are named *_append_only_* so that the project's
SQLite backend (kyphoplan.web.sqlite) lifts them around a deliberate flush, as for the audit
trail. `GUARDS_UP` is the whole set: a later migration that rebuilds these tables on SQLite
creates it again.
"""

import importlib

from django.db import migrations, models

import kyphoplan.plans.fields

BATCH = 200  # rows per UPDATE; a full plan is about 33 KB of JSON in memory


_0002 = importlib.import_module("kyphoplan.plans.migrations.0002_signed_versions_are_immutable")
SQLITE_DELETE_UP = [
    """CREATE TRIGGER IF NOT EXISTS plans_planversion_append_only_delete BEFORE DELETE ON plans_planversion
    BEGIN SELECT RAISE(ABORT, 'plan versions are never deleted'); END;""",
    """CREATE TRIGGER IF NOT EXISTS plans_planoverlay_append_only_delete BEFORE DELETE ON plans_planoverlay
    BEGIN SELECT RAISE(ABORT, 'overlays are never deleted'); END;""",
]
SQLITE_DELETE_DOWN = [
    "DROP TRIGGER IF EXISTS plans_planversion_append_only_delete;",
    "DROP TRIGGER IF EXISTS plans_planoverlay_append_only_delete;",
]
GUARDS_UP = {"sqlite": [*_0002.SQLITE_UP, *SQLITE_DELETE_UP], "postgresql": _0002.PG_UP}
GUARDS_DOWN = {"sqlite": [*_0002.SQLITE_DOWN, *SQLITE_DELETE_DOWN], "postgresql": _0002.PG_DOWN}
_guard = _0002._run(GUARDS_UP)
_unguard = _0002._run(GUARDS_DOWN)
_guard_as_in_0003 = _0002._run({"sqlite": _0002.SQLITE_UP, "postgresql": _0002.PG_UP})


def _copy(source_suffix, target_suffix):
    """Copy facts/plan from the `source_suffix` columns into the `target_suffix` ones, each
    field converting on its own (JSONField reads JSON, CompressedJSONField writes zlib)."""

    def run(apps, schema_editor):
        version = apps.get_model("plans", "PlanVersion")
        db = schema_editor.connection.alias
        sources = ["facts" + source_suffix, "plan" + source_suffix]
        targets = ["facts" + target_suffix, "plan" + target_suffix]
        last = 0
        while True:
            rows = list(version.objects.using(db).filter(pk__gt=last).order_by("pk")
                        .values_list("pk", *sources)[:BATCH])
            if not rows:
                break
            version.objects.using(db).bulk_update(
                [version(pk=pk, **dict(zip(targets, values, strict=True))) for pk, *values in rows], targets)
            last = rows[-1][0]

    return run


class Migration(migrations.Migration):
    dependencies = [("plans", "0003_overrides_by_target")]

    operations = [
        migrations.RunPython(_unguard, _guard_as_in_0003),
        migrations.AddField("planversion", "facts_z", kyphoplan.plans.fields.CompressedJSONField(null=True)),
        migrations.AddField("planversion", "plan_z", kyphoplan.plans.fields.CompressedJSONField(null=True)),
        # Nullable first, so that going backwards can add them empty and fill them before NOT NULL.
        migrations.AlterField("planversion", "facts", models.JSONField(null=True)),
        migrations.AlterField("planversion", "plan", models.JSONField(null=True)),
        migrations.RunPython(_copy("", "_z"), _copy("_z", "")),
        migrations.RemoveField("planversion", "facts"),
        migrations.RemoveField("planversion", "plan"),
        migrations.RenameField("planversion", "facts_z", "facts"),
        migrations.RenameField("planversion", "plan_z", "plan"),
        migrations.AlterField("planversion", "facts", kyphoplan.plans.fields.CompressedJSONField()),
        migrations.AlterField("planversion", "plan", kyphoplan.plans.fields.CompressedJSONField()),
        migrations.RunPython(_guard, _unguard),
    ]
