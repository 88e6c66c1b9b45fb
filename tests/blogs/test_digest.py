"""The blog in the digest: new posts in the communities people follow, and comments on their
posts kept for the digest ("For you"), each checked with the access module at send time."""

from datetime import timedelta

import pytest

from django.conf import settings
from django.core import mail
from django.utils import timezone

from blogs import services
from blogs.models import BlogPostPage
from communities.models import Membership, Visibility
from notifications import digests
from notifications.models import Delivery, EmailSettings
from tests.blogs.conftest import make_post
from tests.digest_helpers import next_digest_time, queries_per_batch
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

SUMMARY = " ".join(f"word{n}" for n in range(45))


def _send(users, now=None):
    return digests.digest_batch_send(
        digests.DAILY, [u.pk for u in users], now or next_digest_time()
    )


def test_new_blog_posts_are_listed_with_their_summary_author_and_comment_count():
    community = CommunityFactory(name="Housing")
    reader = MembershipFactory(community=community).user
    author = UserFactory(display_name="Priya Shah")
    MembershipFactory(community=community, user=author)
    post = make_post(community, author, title="A year of damp surveys", summary=SUMMARY)
    commenter = MembershipFactory(community=community).user
    services.comment_create(actor=commenter, post=post, body="Useful")
    mail.outbox.clear()
    _send([reader])
    text = mail.outbox[0].body
    assert "NEW BLOG POSTS" in text and "A year of damp surveys" in text
    assert "By Priya Shah" in text and "1 comment" in text
    assert f"{settings.SITE_URL}{post.get_absolute_url()}" in text
    assert "word30" in text and "word44" not in text  # about 40 words
    assert "1 new blog post" in mail.outbox[0].subject


def test_authors_and_co_authors_are_not_told_of_their_own_posts_and_drafts_never_listed():
    community = CommunityFactory()
    author = MembershipFactory(community=community).user
    co_author = MembershipFactory(community=community).user
    make_post(community, author, title="Ours", co_authors=[co_author])
    make_post(community, title="Still a draft", publish=False)
    _send([author, co_author])
    assert mail.outbox == []


def test_a_post_published_before_the_window_or_unpublished_since_is_left_out():
    community = CommunityFactory()
    reader = MembershipFactory(community=community).user
    make_post(community, title="Old news", published_at=timezone.now() - timedelta(days=3))
    withdrawn = make_post(community, title="Withdrawn")
    withdrawn.unpublish()
    _send([reader])
    assert mail.outbox == []


def test_private_community_posts_reach_only_members_at_send_time(
    django_capture_on_commit_callbacks,
):
    private = CommunityFactory(visibility=Visibility.PRIVATE)
    staying = MembershipFactory(community=private).user
    leaving = MembershipFactory(community=private).user
    outsider = UserFactory()
    make_post(private, title="Members only")
    now = next_digest_time()
    with django_capture_on_commit_callbacks() as queued:
        digests.digests_send_due(now)
    Membership.objects.filter(user=leaving, community=private).delete()
    for callback in queued:
        callback()
    received = {tuple(message.to) for message in mail.outbox if "Members only" in message.body}
    assert received == {(staying.email,)}
    assert all(outsider.email not in message.to for message in mail.outbox)


def test_a_long_list_of_posts_shows_five_and_says_how_many_more():
    community = CommunityFactory()
    reader = MembershipFactory(community=community).user
    author = MembershipFactory(community=community).user
    for n in range(7):
        make_post(community, author, title=f"Post number {n}", slug=f"post-{n}")
    _send([reader])
    text = mail.outbox[0].body
    assert text.count("* Post number") == 5 and "And 2 more" in text


# --- Comments kept for the digest --------------------------------------------------------------


def _author_who_reads_comments_in_the_digest(community):
    author = MembershipFactory(community=community).user
    EmailSettings.objects.create(user=author, replies=Delivery.DAILY)
    post = make_post(
        community, author, title="Damp surveys", published_at=timezone.now() - timedelta(days=3)
    )
    return author, post


def test_comments_on_your_posts_come_in_the_digest_when_you_asked_for_that(
    django_capture_on_commit_callbacks,
):
    community = CommunityFactory()
    author, post = _author_who_reads_comments_in_the_digest(community)
    commenter = UserFactory(display_name="Sam Green")
    MembershipFactory(community=community, user=commenter)
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(actor=commenter, post=post, body="We saw the same thing")
    assert mail.outbox == []  # not straight away
    _send([author])
    text = mail.outbox[0].body
    assert "FOR YOU" in text and "Sam Green commented on “Damp surveys”" in text
    assert "We saw the same thing" in text


def test_a_comment_hidden_before_the_digest_is_not_in_it(django_capture_on_commit_callbacks):
    community = CommunityFactory()
    author, post = _author_who_reads_comments_in_the_digest(community)
    facilitator = MembershipFactory(community=community, role="facilitator").user
    commenter = MembershipFactory(community=community).user
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.comment_create(actor=commenter, post=post, body="Spam")
    services.comment_hide(actor=facilitator, comment=comment, reason="Spam")
    _send([author])
    assert mail.outbox == []


# --- Cost ----------------------------------------------------------------------------------------


def test_a_batch_of_thirty_costs_the_same_queries_as_a_batch_of_five(
    django_capture_on_commit_callbacks,
):
    """Every reader gets a new post and a comment on their own post in "For you"."""
    community = CommunityFactory()
    readers = [MembershipFactory(community=community).user for _ in range(35)]
    EmailSettings.objects.bulk_create(
        [EmailSettings(user=reader, replies=Delivery.DAILY) for reader in readers]
    )
    make_post(community, title="For everyone")
    commenter = MembershipFactory(community=community).user
    old = timezone.now() - timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        for n, reader in enumerate(readers):
            post = make_post(community, reader, title=f"By reader {n}", slug=f"r-{n}")
            BlogPostPage.objects.filter(pk=post.pk).update(first_published_at=old)
            services.comment_create(actor=commenter, post=post, body="Nice")
    mail.outbox.clear()
    now = next_digest_time()
    counts = queries_per_batch([readers[:5], readers[5:]], now)
    # A query or two per section for the batch (Wagtail reads view restrictions for `public()`)
    assert counts[0] == counts[1] <= 17
    assert all("FOR YOU" in m.body and "NEW BLOG POSTS" in m.body for m in mail.outbox)
