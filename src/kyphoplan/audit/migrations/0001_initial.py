from django.db import migrations, models

import kyphoplan.audit.models


class Migration(migrations.Migration):
    initial = True
    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.CreateModel(
            name="AuditEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField(db_index=True)),
                ("actor_id", models.BigIntegerField(blank=True, db_index=True, null=True)),
                ("actor_username", models.CharField(blank=True, max_length=150)),
                ("action", models.CharField(choices=kyphoplan.audit.models.Action.choices, max_length=20)),
                ("object_type", models.CharField(blank=True, max_length=50)),
                ("object_id", models.CharField(blank=True, db_index=True, max_length=64)),
                ("ip", models.GenericIPAddressField(blank=True, null=True)),
                ("detail", models.JSONField(blank=True, default=dict)),
            ],
            options={
                "ordering": ["-at", "-id"],
                "permissions": [("export_auditevent", "Can export the audit trail")],
            },
        ),
    ]
