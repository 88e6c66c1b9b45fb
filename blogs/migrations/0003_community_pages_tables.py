"""The community page tree moves to the community_pages app (step 1 of 3): its tables take the
new app's names. community_pages 0001 takes the models into its state and relabels their
content types; blogs 0004 lets go of them."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("blogs", "0002_community_blogs"),
    ]

    operations = [
        migrations.AlterModelTable("communitiesindexpage", "community_pages_communitiesindexpage"),
        migrations.AlterModelTable("communitypage", "community_pages_communitypage"),
    ]
