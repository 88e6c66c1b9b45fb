"""`Notification.kind` loses its choices: kinds are registered by the apps that produce them
(`notifications.kinds`), so adding one needs no migration here. No change in the database."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0006_my_posts_activity_label"),
    ]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(max_length=20),
        ),
    ]
