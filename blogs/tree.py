"""Making a community's blog page: a `BlogIndexPage` (slug "blog") under the community's page
(community_pages.tree), so Wagtail serves the blog at /c/<slug>/blog/. Registered as the
community's "blog" section page (blogs.apps), so new communities get theirs with their page;
existing ones got theirs from the data migration, bulk-seeded ones from `community_pages.seeding`.
Only database work: no network, no mail.
"""

from __future__ import annotations

from django.db import transaction

from communities.models import Community
from community_pages.tree import community_page_ensure, section_path

from .models import BlogIndexPage

BLOG_SLUG = "blog"
BLOG_TITLE = "Blog"


def blog_path(community_slug: str) -> str:
    """The address of the blog of the community with this slug (the tree keeps it there)."""
    return section_path(community_slug, BLOG_SLUG)


def blog_url(community: Community) -> str:
    return blog_path(community.slug)


@transaction.atomic
def blog_pages_ensure(community: Community) -> BlogIndexPage:
    """The community's blog, with the community's page, made if missing. Safe to repeat."""
    index = BlogIndexPage.objects.filter(community=community).first()
    if index is not None:
        return index
    return community_page_ensure(community).add_child(
        instance=BlogIndexPage(title=BLOG_TITLE, slug=BLOG_SLUG, community=community, live=True)
    )
