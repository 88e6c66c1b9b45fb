"""The community page tree moves to the community_pages app (step 3 of 3): the blogs app lets
go of the models in its state; their tables and rows now belong to community_pages."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("blogs", "0003_community_pages_tables"),
        ("community_pages", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="CommunitiesIndexPage"),
                migrations.DeleteModel(name="CommunityPage"),
            ],
            database_operations=[],
        ),
    ]
