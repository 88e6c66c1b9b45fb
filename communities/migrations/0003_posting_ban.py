"""Posting stops ("stop a member posting") belong to the communities app, whose posting rule
reads them (step 2 of 3). forums 0008 renamed the table; this takes the model into this app's
state without touching the database and relabels its content type (copsite.model_moves)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from copsite.model_moves import move_content_types


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0002_community_slug_redirect"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("forums", "0008_posting_ban_table"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PostingBan",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("reason", models.CharField(blank=True, max_length=500)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "banned_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "community",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="posting_bans",
                                to="communities.community",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("community", "user"), name="posting_ban_unique"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        move_content_types("forums", "communities", ("postingban",)),
    ]
