"""/c/ (the `CommunitiesIndexPage`) exists from the start, under the site's home page, rather
than being made by the first community's signal."""

from django.db import migrations

from copsite.tree_paths import STEPLEN, add_child

SLUG = "c"


def create_communities_index(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    ContentType = apps.get_model("contenttypes", "ContentType")
    CommunitiesIndexPage = apps.get_model("community_pages", "CommunitiesIndexPage")
    site = Site.objects.filter(is_default_site=True).first()
    if site is None or CommunitiesIndexPage.objects.exists():
        return
    root = Page.objects.get(pk=site.root_page_id)
    add_child(Page, ContentType, CommunitiesIndexPage, root, title="Communities", slug=SLUG)


def remove_empty_communities_index(apps, schema_editor):
    """Undone only while no community has pages under it."""
    Page = apps.get_model("wagtailcore", "Page")
    CommunitiesIndexPage = apps.get_model("community_pages", "CommunitiesIndexPage")
    index = CommunitiesIndexPage.objects.first()
    if index is None or Page.objects.filter(path__startswith=index.path).count() > 1:
        return
    parent = Page.objects.get(path=index.path[:-STEPLEN])
    # Rows deleted directly: the cascade collector trips over models that later migrations'
    # reversal re-rendered (a Page class from another state), and an empty index has nothing
    # to cascade to.
    alias = schema_editor.connection.alias
    CommunitiesIndexPage.objects.filter(pk=index.pk)._raw_delete(alias)
    Page.objects.filter(pk=index.pk)._raw_delete(alias)
    children = Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
    Page.objects.filter(pk=parent.pk).update(numchild=children.count())


class Migration(migrations.Migration):
    dependencies = [
        ("community_pages", "0001_initial"),
        ("pages", "0002_site_pages"),
        ("wagtailcore", "0098_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_communities_index, remove_empty_communities_index),
    ]
