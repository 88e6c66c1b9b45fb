"""Announcements (`Broadcast`) and welcomes (`Welcome`), moved here from the notifications app
with their rows (step 2 of 3).

notifications 0009 renamed the tables to this app's names; this takes the models into this app's
state without touching the database and relabels their content types (copsite.model_moves), so
anything that names them through a content type (permissions, log entries) follows.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from copsite.model_moves import move_content_types


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("communities", "0003_posting_ban"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("notifications", "0009_facilitation_tables"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Broadcast",
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
                        ("subject", models.CharField(max_length=150)),
                        ("body", models.TextField(max_length=20000)),
                        ("recipient_count", models.PositiveIntegerField(default=0)),
                        ("submission_key", models.CharField(blank=True, max_length=64)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "author",
                            models.ForeignKey(
                                blank=True,
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
                                related_name="+",
                                to="communities.community",
                            ),
                        ),
                    ],
                    options={
                        "indexes": [
                            models.Index(
                                fields=["community", "-created_at"], name="broadcast_list_idx"
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("submission_key", ""), _negated=True),
                                fields=("author", "submission_key"),
                                name="broadcast_submission_unique",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Welcome",
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
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "community",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
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
                        (
                            "welcomed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("community", "user"), name="welcome_unique"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        move_content_types("notifications", "facilitation", ("broadcast", "welcome")),
    ]
