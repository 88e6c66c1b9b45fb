"""Give every existing community its pages: /c/ (once), /c/<slug>/ and /c/<slug>/blog/.

Historical models have no treebeard methods, so tree paths are computed here the way treebeard
does (four base-36 characters a level). New communities get theirs from a post_save signal
(blogs.signals); this only covers communities created before the blog existed. Safe to run
twice: communities that already have a blog are skipped.
"""

from django.db import migrations

from copsite.tree_paths import STEPLEN
from copsite.tree_paths import add_child as _add_child


def create_blog_pages(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Community = apps.get_model("communities", "Community")
    CommunitiesIndexPage = apps.get_model("blogs", "CommunitiesIndexPage")
    CommunityPage = apps.get_model("blogs", "CommunityPage")
    BlogIndexPage = apps.get_model("blogs", "BlogIndexPage")

    site = Site.objects.filter(is_default_site=True).first()
    communities = Community.objects.exclude(
        pk__in=BlogIndexPage.objects.exclude(community=None).values("community_id")
    ).order_by("pk")
    if site is None or not communities.exists():
        return
    index = CommunitiesIndexPage.objects.first()
    if index is None:
        root = Page.objects.get(pk=site.root_page_id)
        index = _add_child(
            Page, ContentType, CommunitiesIndexPage, root, title="Communities", slug="c"
        )
    for community in communities:
        container = CommunityPage.objects.filter(community=community).first()
        if container is None:
            container = _add_child(
                Page, ContentType, CommunityPage, index,
                title=community.name, slug=community.slug, community=community,
            )  # fmt: skip
        _add_child(
            Page, ContentType, BlogIndexPage, container,
            title="Blog", slug="blog", community=community, intro="",
        )  # fmt: skip


def remove_blog_pages(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    CommunitiesIndexPage = apps.get_model("blogs", "CommunitiesIndexPage")
    index = CommunitiesIndexPage.objects.first()
    if index is None:
        return
    parent = Page.objects.get(path=index.path[:-STEPLEN])
    Page.objects.filter(path__startswith=index.path).delete()
    children = Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
    Page.objects.filter(pk=parent.pk).update(numchild=children.count())


class Migration(migrations.Migration):
    dependencies = [
        ("blogs", "0001_initial"),
        ("communities", "0001_initial"),
        ("pages", "0002_site_pages"),
        ("wagtailcore", "0098_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_blog_pages, remove_blog_pages)]
