"""Posting stops move to the communities app (step 3 of 3): the forums app lets go of the model
in its state; its table and rows now belong to communities."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("forums", "0008_posting_ban_table"),
        ("communities", "0003_posting_ban"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="PostingBan")],
            database_operations=[],
        ),
    ]
