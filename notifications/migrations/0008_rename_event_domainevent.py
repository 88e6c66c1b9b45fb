"""The outbox's `Event` becomes `DomainEvent` (its table `notifications_domainevent`), so it
cannot be confused with a community events app's `Event`. contenttypes relabels its content
type in the same migration run."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0007_notification_kind_registered"),
    ]

    operations = [
        migrations.RenameModel(old_name="Event", new_name="DomainEvent"),
    ]
