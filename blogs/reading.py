"""What the blog's pages show: the queries and context behind the index, tag, post, latest
and author pages. Every list starts from `BlogPostPage.objects.visible_to(user)` (published,
public posts in communities the access module lets the person read)."""

from __future__ import annotations

from urllib.parse import quote

from taggit.models import Tag

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404, HttpRequest

from accounts.feeds import feed_token_for
from communities import permissions as community_permissions
from communities.models import Visibility
from copsite.feeds import absolute_url

from . import feed_links, permissions
from .forms import CommentForm
from .images import picture
from .models import BlogComment, BlogIndexPage, BlogPostPage, BlogSettings

POSTS_PER_PAGE = 10
COMMENTS_PER_PAGE = 50
POPULAR_TAGS = 12


def paginate(request: HttpRequest, items, per_page: int = POSTS_PER_PAGE) -> PaginatorPage:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def popular_tags(posts) -> list[Tag]:
    """The most used tags on `posts` (one query)."""
    return list(
        Tag.objects.filter(blogs_blogposttag_items__content_object__in=posts.values("pk"))
        .exclude(slug="")
        .annotate(post_count=Count("blogs_blogposttag_items"))
        .order_by("-post_count", "name")[:POPULAR_TAGS]
    )


def tag_or_404(tag_slug: str, posts) -> Tag:
    """The tag, if any post the person may read carries it: otherwise a tag that only private
    content uses stays unknown (404, not an empty page)."""
    tag = Tag.objects.filter(slug=tag_slug).exclude(slug="").first()
    if tag is None or not posts.tagged(tag_slug).exists():
        raise Http404("No posts with this tag")
    return tag


def writing_context(user, community) -> dict:
    """ "Write a post", whether members' posts wait for a facilitator, and (for people who have
    written here) the way back to their drafts in the editor: one query."""
    if not community_permissions.can_blog(user, community):
        return {"can_write": False, "posts_are_moderated": False, "writes_here": False}
    settings_ = (
        BlogSettings.objects.filter(community=community)
        .annotate(
            writes_here=Exists(
                user.groups.filter(
                    Q(pk=OuterRef("writers_group_id")) | Q(pk=OuterRef("editors_group_id"))
                )
            )
        )
        .first()
    )
    return {
        "can_write": True,
        "posts_are_moderated": bool(
            settings_
            and settings_.moderate_member_posts
            and not community_permissions.can_moderate(user, community)
        ),
        "writes_here": bool(settings_ and settings_.writes_here),
    }


def personal_feed_token(user, community) -> str | None:
    """Members of restricted and private communities subscribe with their personal feed URL."""
    if community.visibility == Visibility.OPEN or not community_permissions.is_member(
        user, community
    ):
        return None
    return feed_token_for(user)


def blog_index_context(request: HttpRequest, index: BlogIndexPage, tag_slug: str = "") -> dict:
    user = request.user
    community = index.community
    posts = BlogPostPage.objects.visible_to(user).filter(community=community)
    tag = tag_or_404(tag_slug, posts) if tag_slug else None
    listed = posts.tagged(tag_slug) if tag else posts
    token = personal_feed_token(user, community)
    return {
        "community": community,
        "tag": tag,
        "page_obj": paginate(request, listed.for_listing().newest_first()),
        "tags": popular_tags(posts),
        "feeds": feed_links.for_blog(community, tag, token),
        "can_moderate": community_permissions.can_moderate(user, community),
        **writing_context(user, community),
    }


# --- The post page -----------------------------------------------------------------------------


def _neighbours(user, post: BlogPostPage) -> tuple[BlogPostPage | None, BlogPostPage | None]:
    """The previous (older) and next (newer) posts in the same blog."""
    if not post.pk or not post.live or post.first_published_at is None:
        return None, None
    siblings = (
        BlogPostPage.objects.visible_to(user)
        .filter(community_id=post.community_id)
        .exclude(pk=post.pk)
        .only("title", "url_path", "first_published_at")
    )
    when = post.first_published_at
    older = Q(first_published_at__lt=when) | Q(first_published_at=when, pk__lt=post.pk)
    newer = Q(first_published_at__gt=when) | Q(first_published_at=when, pk__gt=post.pk)
    previous = siblings.filter(older).order_by("-first_published_at", "-pk").first()
    following = siblings.filter(newer).order_by("first_published_at", "pk").first()
    return previous, following


def _mark_comment(user, comment: BlogComment) -> BlogComment:
    comment.show_body = comment.status == BlogComment.Status.VISIBLE or (
        comment.status == BlogComment.Status.HIDDEN and permissions.can_see_hidden(user, comment)
    )
    comment.can_reply = permissions.can_reply(user, comment)
    comment.can_edit = permissions.can_edit_comment(user, comment)
    comment.can_delete = permissions.can_delete_comment(user, comment)
    comment.can_hide = permissions.can_hide_comment(user, comment)
    comment.can_restore = permissions.can_restore_comment(user, comment)
    return comment


def comments_page(request: HttpRequest, post: BlogPostPage) -> PaginatorPage | None:
    """Comments on the post, oldest first, each with its replies: three queries a page.

    Deleted comments disappear unless replies hang off them (then a placeholder keeps the
    conversation readable); deleted replies disappear."""
    if not post.pk:
        return None
    user = request.user
    live_replies = BlogComment.objects.filter(parent=OuterRef("pk")).exclude(
        status=BlogComment.Status.DELETED
    )
    top_level = (
        BlogComment.objects.filter(post_id=post.pk, parent=None)
        .exclude(Q(status=BlogComment.Status.DELETED) & ~Exists(live_replies))
        .for_post_page()
        .prefetch_related(
            Prefetch(
                "replies",
                queryset=BlogComment.objects.exclude(
                    status=BlogComment.Status.DELETED
                ).for_post_page(),
                to_attr="shown_replies",
            )
        )
    )
    page = Paginator(top_level, COMMENTS_PER_PAGE).get_page(request.GET.get("comments"))
    for comment in page.object_list:
        comment.post = post
        _mark_comment(user, comment)
        for reply in comment.shown_replies:
            reply.post = post
            _mark_comment(user, reply)
    return page


def share_links(post: BlogPostPage) -> dict:
    url = absolute_url(post.get_absolute_url())
    subject = quote(post.title)
    body = quote(f"{post.title}\n\n{post.summary}\n\n{url}")
    return {"url": url, "email": f"mailto:?subject={subject}&body={body}"}


def post_page_context(request: HttpRequest, post: BlogPostPage) -> dict:
    user = request.user
    community = post.get_community()
    previous, following = _neighbours(user, post)
    is_public = community.visibility == Visibility.OPEN and not getattr(
        request, "is_preview", False
    )
    hero = picture(post.hero_image, "hero") if post.hero_image_id else None
    comment_count = BlogComment.objects.filter(post_id=post.pk).shown().count() if post.pk else 0
    return {
        "community": community,
        "authors": post.authors,
        "post_tags": list(post.tags.all()),
        "hero": hero,
        "previous_post": previous,
        "next_post": following,
        "share": share_links(post),
        "open_graph": is_public,
        "og_image": absolute_url(hero.url) if (hero and is_public) else "",
        "canonical_url": absolute_url(post.get_absolute_url()) if is_public else "",
        "comments_page": comments_page(request, post),
        "comment_count": comment_count,
        "comments_open": permissions.comments_are_open(post),
        "comments_close_at": permissions.comments_close_at(post),
        "can_comment": bool(post.pk) and permissions.can_comment(user, post),
        "why_no_comment": permissions.why_no_comment(user, post),
        "can_close_comments": bool(post.pk) and permissions.can_close_comments(user, post),
        "can_edit_post": bool(post.pk) and permissions.can_close_comments(user, post),
        "comment_form": CommentForm(),
        "blog_url": post.blog_url,
    }


# --- Lists across blogs -------------------------------------------------------------------------


def latest_posts(user):
    return BlogPostPage.objects.visible_to(user).for_listing().newest_first()


def author_posts(user, person):
    return BlogPostPage.objects.visible_to(user).by_author(person).for_listing().newest_first()


def tagged_posts(user, tag_slug: str):
    posts = BlogPostPage.objects.visible_to(user)
    tag = tag_or_404(tag_slug, posts)
    return tag, posts.tagged(tag_slug).for_listing().newest_first()
