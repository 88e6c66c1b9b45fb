"""Announcements and welcomes move to the facilitation app (step 3 of 3): the notifications app
lets go of the models in its state; their tables and rows now belong to facilitation."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0009_facilitation_tables"),
        ("facilitation", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Broadcast"),
                migrations.DeleteModel(name="Welcome"),
            ],
            database_operations=[],
        ),
    ]
