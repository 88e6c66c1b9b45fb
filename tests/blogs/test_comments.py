"""Comments on posts: members comment and reply (one level), edit and delete their own,
facilitators hide and restore; comments close by hand or N days after publishing, and a
closed post refuses crafted POSTs; authors are told once; double submissions make one."""

from datetime import timedelta

import pytest

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from blogs import permissions, services
from blogs.models import BlogComment
from blogs.notification_kinds import BLOG_COMMENT, REPLY
from communities import services as community_services
from communities.models import Membership, Role, Visibility
from communities.permissions import forget_access
from notifications.models import Delivery, EmailSettings, Notification
from notifications.targets import describe
from tests.blogs.conftest import make_post
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def blog():
    community = CommunityFactory(slug="housing")
    author = UserFactory(display_name="Priya Shah")
    MembershipFactory(community=community, user=author)
    post = make_post(community, author, title="Damp surveys")
    commenter = MembershipFactory(community=community).user
    facilitator = MembershipFactory(community=community, role=Role.FACILITATOR).user
    return community, post, author, commenter, facilitator


def _comment_url(post) -> str:
    return reverse("blogs:comment-create", args=[post.pk])


def _send(client, post, body="Great write-up", key="k1", action="post"):
    return client.post(_comment_url(post), {"body": body, "submission_key": key, "action": action})


# --- Writing comments -------------------------------------------------------------------------


def test_a_member_comments_and_the_post_shows_it(client, blog):
    community, post, author, commenter, _ = blog
    client.force_login(commenter)
    response = _send(client, post, "We saw the **same** thing")
    comment = BlogComment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}#comment-{comment.pk}"
    html = client.get(post.get_absolute_url()).content.decode()
    assert "We saw the <strong>same</strong> thing" in html
    assert "Comments (1)" in html


def test_sending_the_same_comment_twice_makes_one(client, blog):
    _, post, _, commenter, _ = blog
    client.force_login(commenter)
    _send(client, post, key="same")
    _send(client, post, key="same")
    assert BlogComment.objects.count() == 1


def test_an_empty_comment_comes_back_with_a_clear_message(client, blog):
    _, post, _, commenter, _ = blog
    client.force_login(commenter)
    response = _send(client, post, body="   ")
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html and "Write something before sending." in html
    assert not BlogComment.objects.exists()


def test_a_too_quick_comment_keeps_what_was_typed(client, blog, settings):
    settings.COPSITE_POSTS_PER_MINUTE = 1
    _, post, _, commenter, _ = blog
    client.force_login(commenter)
    _send(client, post, key="a")
    response = _send(client, post, body="My second thought", key="b")
    assert response.status_code == 400
    html = response.content.decode()
    assert "You are posting very quickly" in html and "My second thought" in html
    assert BlogComment.objects.count() == 1


def test_preview_shows_the_sanitised_comment_and_keeps_it(client, blog):
    _, post, _, commenter, _ = blog
    client.force_login(commenter)
    response = _send(client, post, body="*careful* <script>alert(1)</script>", action="preview")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<em>careful</em>" in html and "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # kept in the textarea
    assert not BlogComment.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "outsider", "unverified"])
def test_people_who_may_not_post_cannot_comment(client, blog, who):
    community, post, *_ = blog
    if who == "outsider":
        client.force_login(UserFactory())
    elif who == "unverified":
        client.force_login(MembershipFactory(community=community, user__verified=False).user)
    response = _send(client, post)
    assert response.status_code == (302 if who == "anonymous" else 403)
    assert not BlogComment.objects.exists()


def test_comments_in_a_private_community_are_404_to_outsiders(client):
    community = CommunityFactory(visibility=Visibility.PRIVATE)
    post = make_post(community)
    client.force_login(UserFactory())
    assert _send(client, post).status_code == 404


# --- Replies ------------------------------------------------------------------------------------


def test_members_reply_to_comments_but_not_to_replies(client, blog):
    _, post, author, commenter, _ = blog
    comment = services.comment_create(actor=commenter, post=post, body="Question?")
    client.force_login(author)
    page = client.get(reverse("blogs:comment-reply", args=[comment.pk]))
    assert page.status_code == 200 and "Question?" in page.content.decode()
    client.post(
        reverse("blogs:comment-reply", args=[comment.pk]),
        {"body": "Answer!", "submission_key": "r1", "action": "post"},
    )
    reply = BlogComment.objects.get(body="Answer!")
    assert reply.parent == comment
    assert client.get(reverse("blogs:comment-reply", args=[reply.pk])).status_code == 403
    response = client.post(
        reverse("blogs:comment-reply", args=[reply.pk]),
        {"body": "Deeper", "submission_key": "r2", "action": "post"},
    )
    assert response.status_code == 403
    with pytest.raises(ValidationError, match="not to replies"):
        services.comment_create(actor=commenter, post=post, body="Deeper", parent=reply)
    html = client.get(post.get_absolute_url()).content.decode()
    assert html.index("Question?") < html.index("Answer!")
    assert 'Reply<span class="govuk-visually-hidden"> to Priya Shah' not in html


def test_a_reply_must_belong_to_the_same_post(blog):
    community, post, _, commenter, _ = blog
    other = make_post(community, title="Other post")
    comment = services.comment_create(actor=commenter, post=other, body="Elsewhere")
    with pytest.raises(ValidationError):
        services.comment_create(actor=commenter, post=post, body="Sneaky", parent=comment)


# --- Editing and deleting -----------------------------------------------------------------------


def test_people_edit_their_own_comments_only(client, blog):
    _, post, author, commenter, facilitator = blog
    comment = services.comment_create(actor=commenter, post=post, body="Frist")
    url = reverse("blogs:comment-edit", args=[comment.pk])
    for other in (author, facilitator):
        client.force_login(other)
        assert client.get(url).status_code == 403
        assert client.post(url, {"body": "Hacked"}).status_code == 403
    client.force_login(commenter)
    assert client.get(url).status_code == 200
    response = client.post(url, {"body": "First", "action": "save"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "First" and comment.edited_at is not None
    assert "edited" in client.get(post.get_absolute_url()).content.decode()


def test_an_emptied_comment_edit_keeps_the_form_with_a_message(client, blog):
    _, post, _, commenter, _ = blog
    comment = services.comment_create(actor=commenter, post=post, body="Original")
    client.force_login(commenter)
    response = client.post(reverse("blogs:comment-edit", args=[comment.pk]), {"body": ""})
    assert response.status_code == 400
    assert "Write something before sending." in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Original"


def test_an_edit_sent_after_comments_closed_is_refused_but_given_back(client, blog):
    _, post, _, commenter, facilitator = blog
    comment = services.comment_create(actor=commenter, post=post, body="Original")
    client.force_login(commenter)
    url = reverse("blogs:comment-edit", args=[comment.pk])
    assert client.get(url).status_code == 200
    services.comments_set_closed(actor=facilitator, post=post, closed=True)
    response = client.post(url, {"body": "My careful <rewrite>", "action": "save"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "Comments are closed." in html and "What you wrote" in html
    assert "My careful &lt;rewrite&gt;" in html
    comment.refresh_from_db()
    assert comment.body == "Original"


def test_people_delete_their_own_comments(client, blog):
    _, post, author, commenter, _ = blog
    comment = services.comment_create(actor=commenter, post=post, body="Oops, wrong post")
    url = reverse("blogs:comment-delete", args=[comment.pk])
    client.force_login(author)
    assert client.post(url).status_code == 403
    client.force_login(commenter)
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    comment.refresh_from_db()
    assert comment.status == BlogComment.Status.DELETED
    assert "Oops, wrong post" not in client.get(post.get_absolute_url()).content.decode()
    assert client.get(url).status_code == 404


def test_a_deleted_comment_with_replies_leaves_a_placeholder(client, blog):
    _, post, author, commenter, _ = blog
    comment = services.comment_create(actor=commenter, post=post, body="Parent text")
    services.comment_create(actor=author, post=post, body="Reply text", parent=comment)
    services.comment_delete(actor=commenter, comment=comment)
    html = client.get(post.get_absolute_url()).content.decode()
    assert "This comment was deleted." in html and "Reply text" in html
    assert "Parent text" not in html


# --- Facilitators -------------------------------------------------------------------------------


def test_facilitators_hide_a_comment_with_a_reason_and_restore_it(client, blog):
    _, post, author, commenter, facilitator = blog
    comment = services.comment_create(actor=commenter, post=post, body="Rude words")
    url = reverse("blogs:comment-hide", args=[comment.pk])
    client.force_login(author)
    assert client.get(url).status_code == 403
    client.force_login(facilitator)
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 400 and "Give a reason" in empty.content.decode()
    assert client.post(url, {"reason": "Personal attack"}).status_code == 302
    comment.refresh_from_db()
    assert comment.status == BlogComment.Status.HIDDEN and comment.moderated_by == facilitator
    client.force_login(author)
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Hidden by a facilitator: Personal attack" in html and "Rude words" not in html
    client.force_login(commenter)
    assert "Rude words" in client.get(post.get_absolute_url()).content.decode()
    client.force_login(facilitator)
    assert client.post(reverse("blogs:comment-restore", args=[comment.pk])).status_code == 302
    comment.refresh_from_db()
    assert comment.status == BlogComment.Status.VISIBLE


# --- Closing ------------------------------------------------------------------------------------


def test_closed_posts_say_so_and_refuse_crafted_posts(client, blog):
    _, post, author, commenter, _ = blog
    comment = services.comment_create(actor=commenter, post=post, body="Before closing")
    client.force_login(author)
    assert (
        client.post(reverse("blogs:comments-close", args=[post.pk]), {"closed": "1"}).status_code
        == 302
    )
    client.force_login(commenter)
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Comments are closed." in html and "Post comment" not in html
    response = _send(client, post, body="Sneaking in", key="late")
    assert response.status_code == 403 and "Comments are closed." in response.content.decode()
    reply = client.post(
        reverse("blogs:comment-reply", args=[comment.pk]),
        {"body": "Sneaky reply", "submission_key": "late2", "action": "post"},
    )
    assert reply.status_code == 403
    edit = client.post(reverse("blogs:comment-edit", args=[comment.pk]), {"body": "Changed"})
    assert edit.status_code == 403
    with pytest.raises(ValidationError, match="Comments are closed"):
        services.comment_create(actor=commenter, post=post, body="Via the service")
    assert BlogComment.objects.count() == 1


def test_comments_close_by_themselves_after_the_configured_days(client, blog, settings):
    settings.COPSITE_BLOG_COMMENTS_CLOSE_AFTER_DAYS = 14
    community, _, author, commenter, _ = blog
    old = make_post(
        community, author, title="Old post", published_at=timezone.now() - timedelta(days=15)
    )
    recent = make_post(
        community, author, title="Recent", published_at=timezone.now() - timedelta(days=13)
    )
    assert not permissions.comments_are_open(old) and permissions.comments_are_open(recent)
    client.force_login(commenter)
    assert _send(client, old, key="x").status_code == 403
    assert "Comments are closed." in client.get(old.get_absolute_url()).content.decode()
    assert _send(client, recent, key="y").status_code == 302
    settings.COPSITE_BLOG_COMMENTS_CLOSE_AFTER_DAYS = 0
    assert permissions.comments_are_open(old)


def test_only_the_author_and_facilitators_close_comments(client, blog):
    _, post, author, commenter, facilitator = blog
    client.force_login(commenter)
    assert client.post(reverse("blogs:comments-close", args=[post.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        services.comments_set_closed(actor=commenter, post=post, closed=True)
    services.comments_set_closed(actor=facilitator, post=post, closed=True)
    post.refresh_from_db()
    assert post.comments_closed
    services.comments_set_closed(actor=author, post=post, closed=False)
    post.refresh_from_db()
    assert not post.comments_closed


def test_closing_comments_survives_publishing_a_new_revision(blog):
    _, post, author, _, facilitator = blog
    services.comments_set_closed(actor=facilitator, post=post, closed=True)
    post.refresh_from_db()
    post.title = "Damp surveys, updated"
    post.save_revision(user=author).publish(user=author)
    post.refresh_from_db()
    assert post.title == "Damp surveys, updated" and post.comments_closed


# --- Telling people (notifications that follow e-mail settings) -----------------------------


def test_the_author_is_notified_and_emailed_once_about_a_new_comment(
    client, blog, mailoutbox, django_capture_on_commit_callbacks
):
    _, post, author, commenter, _ = blog
    client.force_login(commenter)
    with django_capture_on_commit_callbacks(execute=True):
        _send(client, post, body="Loved the *section* on ventilation", key="once")
        _send(client, post, body="Loved the *section* on ventilation", key="once")
    notification = Notification.objects.get(recipient=author)
    comment = BlogComment.objects.get()
    assert notification.kind == BLOG_COMMENT
    assert notification.url == comment.get_absolute_url()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [author.email]
    assert "commented on “Damp surveys”" in message.subject
    assert "Loved the section on ventilation" in message.body
    assert "List-Unsubscribe" in message.extra_headers


def test_co_authors_hear_too_and_the_commenter_is_never_told_of_their_own_comment(
    blog, django_capture_on_commit_callbacks
):
    community, _, author, commenter, _ = blog
    co_author = MembershipFactory(community=community).user
    post = make_post(community, author, title="Written together", co_authors=[co_author])
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(actor=author, post=post, body="Adding a note")
        services.comment_create(actor=commenter, post=post, body="Thank you")
    told = Notification.objects.filter(kind=BLOG_COMMENT)
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(
        [co_author.pk, co_author.pk, author.pk]
    )
    assert not told.filter(recipient=author, actor=author).exists()


def test_a_reply_tells_the_comments_author_as_a_reply(blog, django_capture_on_commit_callbacks):
    community, post, author, commenter, _ = blog
    replier = MembershipFactory(community=community).user
    with django_capture_on_commit_callbacks(execute=True):
        first = services.comment_create(actor=commenter, post=post, body="A question")
        services.comment_create(actor=replier, post=post, body="An answer", parent=first)
    reply = Notification.objects.get(recipient=commenter)
    assert reply.kind == REPLY and reply.actor == replier
    assert Notification.objects.filter(recipient=author).count() == 2  # both comments


def test_an_author_who_wants_replies_in_the_digest_gets_no_email_now(
    blog, mailoutbox, django_capture_on_commit_callbacks
):
    _, post, author, commenter, _ = blog
    EmailSettings.objects.create(user=author, replies=Delivery.DAILY)
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(actor=commenter, post=post, body="For the digest")
    assert Notification.objects.filter(recipient=author).exists()
    assert mailoutbox == []


def test_no_email_goes_out_about_a_comment_hidden_before_sending(
    blog, mailoutbox, django_capture_on_commit_callbacks
):
    _, post, author, commenter, facilitator = blog
    with django_capture_on_commit_callbacks() as queued:
        comment = services.comment_create(actor=commenter, post=post, body="Spam spam")
    services.comment_hide(actor=facilitator, comment=comment, reason="Spam")
    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()
    assert mailoutbox == []
    assert not Notification.objects.filter(recipient=author).exists()


def test_a_notification_about_a_comment_hidden_after_it_was_made_is_not_shown_or_sent(
    client, blog, mailoutbox, django_capture_on_commit_callbacks
):
    _, post, author, commenter, facilitator = blog
    EmailSettings.objects.create(user=author, replies=Delivery.DAILY)
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.comment_create(actor=commenter, post=post, body="Buy now")
    services.comment_hide(actor=facilitator, comment=comment, reason="Spam")
    client.force_login(author)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Damp surveys" not in page
    assert describe(author, "blog.comment", [comment.pk]) == {}


def test_an_author_removed_from_a_private_community_hears_nothing_of_its_comments(
    django_capture_on_commit_callbacks, mailoutbox
):
    private = CommunityFactory(visibility=Visibility.PRIVATE)
    author = MembershipFactory(community=private).user
    post = make_post(private, author, title="Private post")
    commenter = MembershipFactory(community=private).user
    with django_capture_on_commit_callbacks() as queued:
        comment = services.comment_create(actor=commenter, post=post, body="Hello")
    Membership.objects.filter(user=author, community=private).delete()
    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()
    assert not Notification.objects.filter(recipient=author).exists()
    assert mailoutbox == []
    forget_access(author)  # the membership cached when the post was written
    assert describe(author, "blog.comment", [comment.pk]) == {}


def test_a_member_stopped_from_posting_cannot_comment_and_is_told_why(client, blog):
    """ "Stop a member posting" covers the whole community, not only its forum."""
    community, post, _, commenter, facilitator = blog
    community_services.posting_ban_create(actor=facilitator, community=community, user=commenter)
    client.force_login(commenter)
    page = client.get(post.get_absolute_url()).content.decode()
    assert "A facilitator has stopped you posting in this community." in page
    response = _send(client, post, body="Still here")
    html = response.content.decode()
    assert response.status_code == 403
    assert "A facilitator has stopped you posting" in html and "Still here" in html
    assert not BlogComment.objects.exists()
    community_services.posting_ban_lift(actor=facilitator, community=community, user=commenter)
    assert _send(client, post, body="Back again", key="k2").status_code == 302


def test_a_hidden_comment_cannot_be_edited_and_its_author_is_told_why(client, blog):
    _, post, _, commenter, facilitator = blog
    comment = services.comment_create(actor=commenter, post=post, body="Original")
    services.comment_hide(actor=facilitator, comment=comment, reason="Off topic")
    client.force_login(commenter)
    response = client.post(
        reverse("blogs:comment-edit", args=[comment.pk]), {"body": "Kept", "action": "save"}
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert "A facilitator has hidden this comment" in html and "Kept" in html


def test_comment_emails_queued_before_notifications_are_dropped_not_failed():
    """Outbox rows of the retired "blog_comment" kind build nothing, so they are skipped."""
    from notifications.registry import builder_for

    assert builder_for("blog_comment")({"comment_id": 1, "user_id": 1}) is None
