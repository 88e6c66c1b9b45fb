"""Moving a model from one app to another in a migration, keeping its rows and history.

The table is renamed (`AlterModelTable` in the old app), the model leaves the old app's state
and enters the new one's without touching the database (`SeparateDatabaseAndState`), and its
content type is relabelled in place (`move_content_types`). Relabelling keeps the content type's
id, so everything that points at it follows without a write: pages' `content_type`, revisions'
`content_type` and `base_content_type`, log entries, workflow states, the reference index,
permissions and generic relations.
"""

from __future__ import annotations

from django.db import migrations


def _relabel(apps, schema_editor, source: str, target: str, models: tuple[str, ...]) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_types = ContentType.objects.using(schema_editor.connection.alias)
    for model in models:
        old = content_types.filter(app_label=source, model=model).first()
        if old is None:
            continue  # a new database: post_migrate makes the new one
        _drop_unused(apps, content_types.filter(app_label=target, model=model).first())
        old.app_label = target
        old.save(update_fields=["app_label"])
    from django.contrib.contenttypes.models import ContentType as CurrentContentType

    CurrentContentType.objects.clear_cache()


def _drop_unused(apps, content_type) -> None:
    """A content type made already by a partial migrate (post_migrate) holds only its
    permissions; anything more (pages, revisions) means the move was half done by hand."""
    if content_type is None:
        return
    Page = apps.get_model("wagtailcore", "Page")
    Revision = apps.get_model("wagtailcore", "Revision")
    if (
        Page.objects.filter(content_type=content_type).exists()
        or Revision.objects.filter(content_type=content_type).exists()
    ):
        raise RuntimeError(
            f"Content type {content_type.app_label}.{content_type.model} is in use: "
            "move its rows to the old one before migrating."
        )
    content_type.delete()


def move_content_types(source: str, target: str, models: tuple[str, ...]) -> migrations.RunPython:
    """A reversible operation relabelling `models` (lower-case model names) from app `source`
    to app `target`."""

    def forwards(apps, schema_editor):
        _relabel(apps, schema_editor, source, target, models)

    def backwards(apps, schema_editor):
        _relabel(apps, schema_editor, target, source, models)

    return migrations.RunPython(forwards, backwards)
