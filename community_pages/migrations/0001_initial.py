"""The community page tree, moved here from the blogs app with its rows (step 2 of 3).

blogs 0003 renamed the tables to this app's names; this takes the models into this app's state
without touching the database and relabels their content types (copsite.model_moves), so pages,
revisions, log entries, workflow states and the reference index keep pointing at them.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import community_pages.models
from copsite.model_moves import move_content_types


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("blogs", "0003_community_pages_tables"),
        ("communities", "0002_community_slug_redirect"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CommunitiesIndexPage",
                    fields=[
                        (
                            "page_ptr",
                            models.OneToOneField(
                                auto_created=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                parent_link=True,
                                primary_key=True,
                                serialize=False,
                                to=settings.WAGTAIL_PAGE_MODEL,
                            ),
                        ),
                    ],
                    options={"verbose_name": "communities index"},
                    bases=("wagtailcore.page",),
                ),
                migrations.CreateModel(
                    name="CommunityPage",
                    fields=[
                        (
                            "page_ptr",
                            models.OneToOneField(
                                auto_created=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                parent_link=True,
                                primary_key=True,
                                serialize=False,
                                to=settings.WAGTAIL_PAGE_MODEL,
                            ),
                        ),
                        (
                            "community",
                            models.OneToOneField(
                                editable=False,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="community_page",
                                to="communities.community",
                            ),
                        ),
                    ],
                    options={"verbose_name": "community"},
                    bases=(community_pages.models.CommunityAccessMixin, "wagtailcore.page"),
                ),
            ],
            database_operations=[],
        ),
        move_content_types("blogs", "community_pages", ("communitiesindexpage", "communitypage")),
    ]
