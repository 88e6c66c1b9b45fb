"""Communities created before the forum existed get its two default categories."""

from django.db import migrations

DEFAULTS = [
    ("General", "general", "Questions, ideas and news about the community's work."),
    ("Off topic", "off-topic", "Everything else: introductions, events, the odd tangent."),
]


def add_default_categories(apps, schema_editor):
    Community = apps.get_model("communities", "Community")
    Category = apps.get_model("forums", "Category")
    for community in Community.objects.all():
        for position, (name, slug, description) in enumerate(DEFAULTS):
            Category.objects.get_or_create(
                community=community,
                slug=slug,
                defaults={"name": name, "description": description, "position": position},
            )


class Migration(migrations.Migration):
    dependencies = [("forums", "0001_initial"), ("communities", "0001_initial")]

    operations = [migrations.RunPython(add_default_categories, migrations.RunPython.noop)]
