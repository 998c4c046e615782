from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.CreateModel(
            name="DevMessage",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("received_at", models.DateTimeField(db_index=True)),
                ("channel", models.CharField(choices=[("email", "Email"), ("sms", "Text message")], max_length=6)),
                ("sender", models.CharField(blank=True, max_length=254)),
                ("to", models.CharField(max_length=500)),
                ("subject", models.CharField(blank=True, max_length=300)),
                ("body", models.TextField()),
                ("provider_id", models.CharField(blank=True, max_length=200)),
            ],
            options={"ordering": ["-received_at", "-id"]},
        ),
    ]
