"""Announcements and welcomes move to the facilitation app (step 1 of 3): their tables take the
new app's names. facilitation 0001 takes the models into its state and relabels their content
types; notifications 0010 lets go of them (decision 25's way of moving models with their rows)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0008_rename_event_domainevent"),
    ]

    operations = [
        migrations.AlterModelTable("broadcast", "facilitation_broadcast"),
        migrations.AlterModelTable("welcome", "facilitation_welcome"),
    ]
