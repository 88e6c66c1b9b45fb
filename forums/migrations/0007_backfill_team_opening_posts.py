"""Threads started "as the facilitation team" before 0004 have an opening post without
`as_team`, so feeds and the accepted-answer box, which read the post's own byline, would name
the facilitator who wrote it. Mark those opening posts as the team's."""

from django.db import migrations


def mark_team_opening_posts(apps, schema_editor):
    Thread = apps.get_model("forums", "Thread")
    Post = apps.get_model("forums", "Post")
    team_threads = Thread.objects.filter(as_team=True).values_list("pk", "author_id")
    for thread_id, author_id in list(team_threads):
        # The author's own first post: a post merged in from another thread can be older.
        opening = (
            Post.objects.filter(thread_id=thread_id, author_id=author_id)
            .order_by("created_at", "pk")
            .values_list("pk", "as_team")
            .first()
        )
        if opening and not opening[1]:
            Post.objects.filter(pk=opening[0]).update(as_team=True)


class Migration(migrations.Migration):
    dependencies = [
        ("forums", "0006_thread_merge"),
    ]

    operations = [
        migrations.RunPython(mark_team_opening_posts, migrations.RunPython.noop),
    ]
