from django.db import migrations

from kyphoplan.web.trigram import backfill_search_text, create_trigram_index, drop_index


class Migration(migrations.Migration):
    dependencies = [("callbacks", "0002_search_and_queue_indexes")]
    operations = [
        migrations.RunPython(
            backfill_search_text("callbacks", "CallbackRequest",
                                 {"name": "name", "reference": "reference", "phone": "phone_e164"}),
            migrations.RunPython.noop,
        ),
        migrations.RunPython(
            create_trigram_index("callbacks_callbackrequest", "search_text", "callback_search_trgm"),
            drop_index("callback_search_trgm"),
        ),
    ]
