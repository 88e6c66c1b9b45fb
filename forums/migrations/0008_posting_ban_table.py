"""Posting stops move to the communities app (step 1 of 3): the table takes the new app's name.
communities 0003 takes the model into its state and relabels its content type; forums 0009
lets go of it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("forums", "0007_backfill_team_opening_posts"),
    ]

    operations = [
        migrations.AlterModelTable("postingban", "communities_postingban"),
    ]
