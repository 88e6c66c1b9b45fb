"""Writing blog history: posts published when they were, and comments by their own authors.

The one way to write old blog content. Importers (WordPress, MediaWiki, Discourse exports) and
the demo and benchmark seeder (`blogs.seeding`) use it:

- `import_blog_post(...)`: one post (with its comments) under its community's blog;
- `import_comments(post=..., comments=[...])`: comments added to a post that exists;
- `import_blog_posts([ImportedBlogPost(...), ...])`: any number at once, in bulk.

Posts are Wagtail pages, which Django cannot bulk-create (multi-table inheritance) and treebeard
adds one at a time (a query or three each). So this computes the tree paths itself, the way
treebeard does (four base-36 characters a level, after the blog's last child), inserts the
`wagtailcore_page` rows with one bulk insert and the `blogs_blogpostpage` rows with one
executemany, and moves the blog's child count on; treebeard's own check (`Page.find_problems`)
stays clean. Posts are live and public from `first_published_at` (`last_published_at` as given),
owned by their author, with their tags and co-authors; reading time is worked out as on save.

Importing is an admin act on history, so it deliberately skips what writing on the site does:

- no notifications, domain events or outbox e-mail (nothing is recorded for the
  notifications app), no workflow or moderation, no page revisions (Wagtail's editor treats a
  page without one as its own latest version), no page signals, so no search or reference
  index entries;
- no posting rule, rate limit or closing of comments after a while: the caller vouches for
  owners, co-authors and commenters (members or not) and for what they wrote; the owner is not
  put in the blog's writers' group (pressing "Write a post" does that);
- rich text and Markdown are stored as given: every page shows them through
  `copsite.markup`'s cleaner, so nothing unsafe reaches a page.

The community's last activity moves forward (never back) to its latest imported visible
comment, as commenting does; posts do not move it (publishing does not either).

Importing twice: a post's `source_key` (its id in the source system) becomes its Wagtail
`translation_key` (a UUID derived from the key; unique per locale), a comment's is stored as its
submission key, `import:<key>` (unique per author). A post or comment already there is not
written again; on a post already there only comments with new keys are added (comments
without a key are skipped there, as nothing tells them from the first run's). Without keys,
importing twice writes twice.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from wagtail.models import Page

from accounts.models import User
from communities.models import Community
from copsite.importing import (
    BATCH_SIZE,
    InvalidImport,
    batches,
    clean_tags,
    person_pk,
    submission_key_for,
    tags_by_name,
)
from copsite.tree_paths import ALPHABET, step

from .models import BlogComment, BlogIndexPage, BlogPostPage, BlogPostTag
from .models.pages import RESERVED_POST_SLUGS, reading_minutes
from .tree import blog_pages_ensure

# Where imported posts' translation keys come from: uuid5(this, source key).
SOURCE_KEY_NAMESPACE = uuid.UUID("6f1e0c52-3d7a-4c1b-9a55-2b8e4f7d9c10")
_SLUG_LENGTH = 240
SUMMARY_LENGTH = 300
_TAG = re.compile(r"<[^>]*>")

Person = User | int  # a user, or a user's id: the caller vouches for them either way


# --- What is imported -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportedComment:
    """A comment as it was written. `replies` are replies to it (one level: a reply has
    none). `status` may be any `BlogComment.Status`."""

    author: Person
    created_at: datetime
    body: str
    edited_at: datetime | None = None
    status: str = BlogComment.Status.VISIBLE
    moderation_reason: str = ""
    moderated_by: Person | None = None
    source_key: str = ""
    replies: Sequence[ImportedComment] = ()


@dataclass(frozen=True, slots=True)
class ImportedBlogPost:
    """A published post. `body` is HTML (one paragraph block) or StreamField blocks in their
    JSON form (`{"type": "paragraph", "value": "<p>…</p>"}`; ids are added). `slug` defaults
    to the title's; one already used in the blog gets a number."""

    community: Community
    title: str
    owner: Person
    first_published_at: datetime
    summary: str
    body: str | Sequence[Mapping[str, Any]]
    last_published_at: datetime | None = None  # None: first_published_at
    slug: str = ""
    tags: Sequence[str] = ()
    co_authors: Sequence[Person] = ()
    comments: Sequence[ImportedComment] = ()
    comments_closed: bool = False
    source_key: str = ""


@dataclass
class BlogPostImport:
    """One imported post: `created` is False when an earlier import wrote it; `comments` are
    the comments written now (replies after the comments)."""

    post: BlogPostPage
    comments: list[BlogComment]
    created: bool


@dataclass
class BlogImport:
    """What `import_blog_posts` wrote."""

    posts: list[BlogPostImport] = field(default_factory=list)
    tagged_posts: int = 0

    @property
    def comments(self) -> int:
        return sum(len(item.comments) for item in self.posts)


# --- One at a time --------------------------------------------------------------------------------


def import_blog_post(
    *,
    community: Community,
    title: str,
    owner: Person,
    first_published_at: datetime,
    summary: str,
    body: str | Sequence[Mapping[str, Any]],
    last_published_at: datetime | None = None,
    slug: str = "",
    tags: Sequence[str] = (),
    co_authors: Sequence[Person] = (),
    comments: Sequence[ImportedComment] = (),
    comments_closed: bool = False,
    source_key: str = "",
) -> BlogPostImport:
    """Publish one post in `community`'s blog as it was, with its comments. No notifications,
    events, e-mail, workflow, revisions or posting rule; the caller vouches for the people."""
    post = ImportedBlogPost(
        community=community,
        title=title,
        owner=owner,
        first_published_at=first_published_at,
        last_published_at=last_published_at,
        summary=summary,
        body=body,
        slug=slug,
        tags=tuple(tags),
        co_authors=tuple(co_authors),
        comments=tuple(comments),
        comments_closed=comments_closed,
        source_key=source_key,
    )
    return import_blog_posts([post]).posts[0]


@transaction.atomic
def import_comments(
    *, post: BlogPostPage, comments: Sequence[ImportedComment]
) -> list[BlogComment]:
    """Add old comments (with their replies) to an existing post, whether or not its comments
    are open. Comments whose source key is there already are skipped. No notifications,
    events, e-mail, rate limit or posting rule. Returns the comments written."""
    for position, comment in enumerate(comments):
        _check_comment(comment, f"comment {position}")
    written = _write_comments([_CommentPlan(post.pk, comments, post_is_new=True)])
    _touch_communities({post.pk: post.community_id}, written)
    return written[post.pk]


# --- In bulk --------------------------------------------------------------------------------------


@transaction.atomic
def import_blog_posts(posts: Sequence[ImportedBlogPost]) -> BlogImport:
    """Publish posts as they were, in bulk, under their communities' blogs (made if missing).

    Invariants: no notifications, domain events, outbox e-mail, workflow or revisions; no rate
    limit or posting rule (the caller vouches for people); the page tree stays consistent
    (treebeard's paths and child counts); communities' last activity only moves forward.
    Everything is checked before anything is written (`InvalidImport`)."""
    if not connection.features.can_return_rows_from_bulk_insert:
        raise RuntimeError("Importing needs a database that returns ids from bulk inserts.")
    for position, post in enumerate(posts):
        _check_post(post, f"post {position}")
    found = _posts_by_source_key(posts)
    fresh = {
        _identity(post): post for post in _first_of_each(posts) if _identity(post) not in found
    }
    pages = _insert_pages(fresh)
    _insert_post_rows(pages)
    result = BlogImport(tagged_posts=_write_tags(pages, fresh))
    _write_co_authors(pages, fresh)
    pages.update(found)
    plans = [
        _CommentPlan(pages[_identity(post)].pk, post.comments, _identity(post) not in found)
        for post in _first_of_each(posts)
    ]
    comments = _write_comments(plans)
    _touch_communities({page.pk: page.community_id for page in pages.values()}, comments)
    result.posts = [
        BlogPostImport(pages[key], comments[pages[key].pk], key not in found)
        for key in map(_identity, posts)
    ]
    return result


def translation_key_for(source_key: str) -> uuid.UUID:
    """The translation key of the post imported with this source key."""
    return uuid.uuid5(SOURCE_KEY_NAMESPACE, source_key)


# --- Checking -------------------------------------------------------------------------------------

_BLOCK_TYPES = frozenset(BlogPostPage.body.field.stream_block.child_blocks)


def _check_post(post: ImportedBlogPost, where: str) -> None:
    if not post.title.strip():
        raise InvalidImport(f"{where}: a post needs a title.")
    if post.owner is None:
        raise InvalidImport(f"{where}: a post needs an author.")
    last = post.last_published_at or post.first_published_at
    if timezone.is_naive(post.first_published_at) or timezone.is_naive(last):
        raise InvalidImport(f"{where}: dates must carry their time zone.")
    if last < post.first_published_at:
        raise InvalidImport(f"{where}: last published before it was first published.")
    if not (post.body.strip() if isinstance(post.body, str) else post.body):
        raise InvalidImport(f"{where}: a post needs a body.")
    if not isinstance(post.body, str):
        unknown = {block.get("type") for block in post.body} - _BLOCK_TYPES
        if unknown:
            raise InvalidImport(f"{where}: unknown body blocks {sorted(map(str, unknown))}.")
    for position, comment in enumerate(post.comments):
        _check_comment(comment, f"{where}, comment {position}")


def _check_comment(comment: ImportedComment, where: str, *, reply: bool = False) -> None:
    if comment.author is None:
        raise InvalidImport(f"{where}: a comment needs an author.")
    if not comment.body.strip():
        raise InvalidImport(f"{where}: a comment needs a body.")
    if comment.status not in BlogComment.Status.values:
        raise InvalidImport(f"{where}: unknown status {comment.status!r}.")
    if any(d is not None and timezone.is_naive(d) for d in (comment.created_at, comment.edited_at)):
        raise InvalidImport(f"{where}: dates must carry their time zone.")
    if reply and comment.replies:
        raise InvalidImport(f"{where}: replies have no replies of their own.")
    for position, child in enumerate(comment.replies):
        _check_comment(child, f"{where}, reply {position}", reply=True)


# --- Posts ----------------------------------------------------------------------------------------


def _identity(post: ImportedBlogPost) -> object:
    """What tells posts apart: their translation key, or the object itself without a key."""
    return translation_key_for(post.source_key) if post.source_key else id(post)


def _first_of_each(posts: Iterable[ImportedBlogPost]) -> Iterator[ImportedBlogPost]:
    seen: set[object] = set()
    for post in posts:
        if _identity(post) not in seen:
            seen.add(_identity(post))
            yield post


def _posts_by_source_key(posts: Sequence[ImportedBlogPost]) -> dict[object, BlogPostPage]:
    """Posts an earlier import wrote, by translation key (in their blog's locale)."""
    keys = sorted({translation_key_for(p.source_key) for p in posts if p.source_key}, key=str)
    found: dict[object, BlogPostPage] = {}
    for batch in batches(keys):
        for page in BlogPostPage.objects.filter(translation_key__in=batch):
            found[page.translation_key] = page
    return found


def _insert_pages(posts: Mapping[object, ImportedBlogPost]) -> dict[object, BlogPostPage]:
    """The page rows of new posts, under each community's blog, after its last child."""
    by_community: dict[int, list[tuple[object, ImportedBlogPost]]] = defaultdict(list)
    communities: dict[int, Community] = {}
    for identity, post in posts.items():
        by_community[post.community.pk].append((identity, post))
        communities[post.community.pk] = post.community
    content_type = ContentType.objects.get_for_model(BlogPostPage)
    pages: dict[object, BlogPostPage] = {}
    for community_id, items in by_community.items():
        index = _locked_blog(communities[community_id])
        number = _last_child_number(index)
        taken = _child_slugs(index)
        for offset, (identity, post) in enumerate(items, 1):
            pages[identity] = _page(post, index, number + offset, taken, content_type)
        BlogIndexPage.objects.filter(pk=index.pk).update(numchild=F("numchild") + len(items))
    # Django inserts the `wagtailcore_page` half of each post (the columns Page declares) and
    # returns its id; the `blogs_blogpostpage` half follows in `_insert_post_rows`.
    Page.objects.bulk_create(list(pages.values()), batch_size=BATCH_SIZE)
    for page in pages.values():
        page.page_ptr_id = page.id
    return pages


def _locked_blog(community: Community) -> BlogIndexPage:
    """The community's blog, locked until commit so two imports number children in turn."""
    index = blog_pages_ensure(community)
    return BlogIndexPage.objects.select_for_update().get(pk=index.pk)


def _page(
    post: ImportedBlogPost,
    index: BlogIndexPage,
    number: int,
    taken: set[str],
    content_type: ContentType,
) -> BlogPostPage:
    slug = _free_slug(post.slug or post.title, taken)
    blocks = _blocks(post.body)
    page = BlogPostPage(
        title=post.title.strip()[:255],
        draft_title=post.title.strip()[:255],
        slug=slug,
        content_type=content_type,
        path=index.path + step(number),
        depth=index.depth + 1,
        numchild=0,
        url_path=f"{index.url_path}{slug}/",
        locale_id=index.locale_id,
        translation_key=(translation_key_for(post.source_key) if post.source_key else uuid.uuid4()),
        live=True,
        has_unpublished_changes=False,
        first_published_at=post.first_published_at,
        last_published_at=post.last_published_at or post.first_published_at,
        owner_id=person_pk(post.owner),
        community_id=post.community.pk,
        summary=_summary(post.summary),
        body=blocks,
        hero_alt_text="",
        comments_closed=post.comments_closed,
    )
    page.reading_minutes = reading_minutes(_plain_text(page.summary, blocks))
    return page


def _plain_text(summary: str, blocks: list[dict[str, Any]]) -> str:
    """`BlogPostPage.plain_text` read from the blocks' JSON form, without building the
    StreamField's values; tags are dropped as `strip_tags` drops them from well-formed HTML,
    at a fraction of the cost (a test keeps the two in step)."""
    parts = [summary]
    for block in blocks:
        value = block.get("value")
        if block["type"] == "paragraph":
            parts.append(_TAG.sub("", value or ""))
        elif block["type"] == "quote":
            parts.append((value or {}).get("quote", ""))
        elif block["type"] == "picture":
            parts.append((value or {}).get("caption", "") or "")
    return " ".join(parts)


def _summary(text: str) -> str:
    """The summary, cut at a word to the 300 characters the editor allows."""
    text = " ".join(text.split())
    if len(text) <= SUMMARY_LENGTH:
        return text
    return text[: SUMMARY_LENGTH - 1].rsplit(" ", 1)[0] + "…"


def _free_slug(text: str, taken: set[str]) -> str:
    """`text` as a slug no sibling has (and not one of the blog's own addresses)."""
    base = slugify(text, allow_unicode=True)[:_SLUG_LENGTH].strip("-") or "post"
    slug, number = base, 1
    while slug in taken or slug in RESERVED_POST_SLUGS:
        number += 1
        slug = f"{base}-{number}"
    taken.add(slug)
    return slug


def _blocks(body: str | Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    if isinstance(body, str):
        return [{"type": "paragraph", "value": body, "id": str(uuid.uuid4())}]
    return [{**block, "id": block.get("id") or str(uuid.uuid4())} for block in body]


def _child_slugs(index: Page) -> set[str]:
    return set(
        Page.objects.filter(path__startswith=index.path, depth=index.depth + 1).values_list(
            "slug", flat=True
        )
    )


def _last_child_number(parent: Page) -> int:
    last = (
        Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    return int(last[-Page.steplen :], len(ALPHABET)) if last else 0


def _insert_post_rows(pages: Mapping[object, BlogPostPage]) -> None:
    """The `blogs_blogpostpage` half of each post (Django cannot bulk-create it)."""
    if not pages:
        return
    table = connection.ops.quote_name(BlogPostPage._meta.db_table)
    columns = ["page_ptr_id", "community_id", "summary", "hero_alt_text", "body",
               "reading_minutes", "comments_closed"]  # fmt: skip
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})"  # noqa: S608 - our names
    body = BlogPostPage._meta.get_field("body")
    values = [
        (p.pk, p.community_id, p.summary, p.hero_alt_text,
         body.get_db_prep_value(p.body, connection), p.reading_minutes, p.comments_closed)
        for p in pages.values()
    ]  # fmt: skip
    with connection.cursor() as cursor:
        for start in range(0, len(values), BATCH_SIZE):
            cursor.executemany(sql, values[start : start + BATCH_SIZE])


def _write_co_authors(
    pages: Mapping[object, BlogPostPage], posts: Mapping[object, ImportedBlogPost]
) -> None:
    through = BlogPostPage.co_authors.through
    rows = {
        (page.pk, person_pk(person))
        for identity, page in pages.items()
        for person in posts[identity].co_authors
        if person_pk(person) != page.owner_id
    }
    through.objects.bulk_create(
        [through(blogpostpage_id=page_id, user_id=user_id) for page_id, user_id in sorted(rows)],
        batch_size=BATCH_SIZE,
        ignore_conflicts=True,
    )


def _write_tags(
    pages: Mapping[object, BlogPostPage], posts: Mapping[object, ImportedBlogPost]
) -> int:
    """Tags through taggit's tables in bulk. Returns how many posts have tags."""
    wanted = {page.pk: clean_tags(posts[identity].tags) for identity, page in pages.items()}
    wanted = {page_id: names for page_id, names in wanted.items() if names}
    if not wanted:
        return 0
    tags = tags_by_name({name for names in wanted.values() for name in names})
    items = [
        BlogPostTag(content_object_id=page_id, tag=tags[name.lower()])
        for page_id, names in wanted.items()
        for name in names
    ]
    BlogPostTag.objects.bulk_create(items, batch_size=BATCH_SIZE, ignore_conflicts=True)
    return len(wanted)


# --- Comments -------------------------------------------------------------------------------------


def _comment_key(comment: ImportedComment) -> tuple[int, str] | None:
    if not comment.source_key:
        return None
    return person_pk(comment.author), submission_key_for(comment.source_key)


class _CommentPlan(NamedTuple):
    """Comments to write on one post; on a post an earlier import wrote (`post_is_new`
    False), comments without a source key are left out."""

    post_id: int
    comments: Sequence[ImportedComment]
    post_is_new: bool


def _comments_by_source_key(plans: list[_CommentPlan]) -> dict[tuple[int, str], BlogComment]:
    wanted = {
        key
        for plan in plans
        for comment in plan.comments
        for key in map(_comment_key, [comment, *comment.replies])
        if key is not None
    }
    found: dict[tuple[int, str], BlogComment] = {}
    for batch in batches(sorted({key for _, key in wanted})):
        for comment in BlogComment.objects.filter(submission_key__in=batch):
            if (comment.author_id, comment.submission_key) in wanted:
                found[(comment.author_id, comment.submission_key)] = comment
    return found


def _write_comments(plans: list[_CommentPlan]) -> dict[int, list[BlogComment]]:
    """Comments, then replies (one bulk insert each), by post id. Returns the rows written."""
    found = _comments_by_source_key(plans)
    written: dict[int, list[BlogComment]] = defaultdict(list)
    top: list[BlogComment] = []
    replies: list[tuple[BlogComment, ImportedComment]] = []
    for post_id, comments, post_is_new in plans:
        for comment in comments:
            parent = _new_comment(comment, post_id, None, found, post_is_new)
            if parent is not None:
                top.append(parent)
            key = _comment_key(comment)
            row = parent or (found.get(key) if key is not None else None)
            if row is None:
                continue  # a keyless comment of a post imported before: its replies too
            for reply in comment.replies:
                child = _new_comment(reply, post_id, row, found, post_is_new)
                if child is not None:
                    replies.append((child, reply))
    BlogComment.objects.bulk_create(top, batch_size=BATCH_SIZE)
    BlogComment.objects.bulk_create([row for row, _ in replies], batch_size=BATCH_SIZE)
    for row in [*top, *(row for row, _ in replies)]:
        written[row.post_id].append(row)
    return written


def _new_comment(
    comment: ImportedComment,
    post_id: int,
    parent: BlogComment | None,
    found: dict[tuple[int, str], BlogComment],
    post_is_new: bool,
) -> BlogComment | None:
    """The row to write for `comment`, or None when it is there already (or may be)."""
    key = _comment_key(comment)
    if key is None and not post_is_new:
        return None
    if key is not None and key in found:
        return None
    row = BlogComment(
        post_id=post_id,
        author_id=person_pk(comment.author),
        parent=parent,
        body=comment.body.strip(),
        status=comment.status,
        moderated_by_id=None if comment.moderated_by is None else person_pk(comment.moderated_by),
        moderation_reason=comment.moderation_reason[:500],
        submission_key=key[1] if key else "",
        created_at=comment.created_at,
        edited_at=comment.edited_at,
    )
    if key is not None:
        found[key] = row
    return row


def _touch_communities(
    community_of: Mapping[int, int | None], comments: Mapping[int, list[BlogComment]]
) -> None:
    """Each community's last activity moves forward to its latest imported visible comment."""
    latest: dict[int, datetime] = {}
    for post_id, rows in comments.items():
        community_id = community_of.get(post_id)
        for row in rows:
            if community_id is None or row.status != BlogComment.Status.VISIBLE:
                continue
            if community_id not in latest or latest[community_id] < row.created_at:
                latest[community_id] = row.created_at
    for community_id, when in latest.items():
        Community.objects.filter(pk=community_id, last_activity_at__lt=when).update(
            last_activity_at=when
        )
