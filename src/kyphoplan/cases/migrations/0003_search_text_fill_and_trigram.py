from django.db import migrations

from kyphoplan.web.trigram import backfill_search_text, create_trigram_index, drop_index


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_search_and_list_indexes")]
    operations = [
        migrations.RunPython(
            backfill_search_text("cases", "Case",
                                 {"name": "patient_name", "reference": "reference", "phone": "phone_e164"}),
            migrations.RunPython.noop,
        ),
        migrations.RunPython(
            create_trigram_index("cases_case", "search_text", "case_search_trgm"),
            drop_index("case_search_trgm"),
        ),
    ]
