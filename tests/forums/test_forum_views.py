import pytest

from django.urls import reverse

from communities import services as community_services
from forums.models import Category, Post, Thread
from forums.services import posts as post_services
from tests.factories import CommunityFactory, MembershipFactory, UserFactory, make_thread

pytestmark = pytest.mark.django_db


def test_every_community_gets_general_and_off_topic_categories():
    community = CommunityFactory()
    assert list(Category.objects.filter(community=community).values_list("name", flat=True)) == [
        "General",
        "Off topic",
    ]


def test_a_member_starts_a_thread_and_another_replies(client):
    community = CommunityFactory()
    author = MembershipFactory(community=community).user
    client.force_login(author)
    general = Category.objects.get(community=community, slug="general")
    response = client.post(
        reverse("forums:thread-start", args=[community.slug]),
        {
            "title": "Damp in tower blocks",
            "category": general.pk,
            "body": "Has anyone **fixed** it?",
            "tags": "damp, housing",
            "submission_key": "k1",
            "action": "post",
        },
    )
    thread = Thread.objects.get()
    assert response.status_code == 302 and response.url == thread.get_absolute_url()
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "<strong>fixed</strong>" in page
    replier = MembershipFactory(community=community).user
    client.force_login(replier)
    response = client.post(
        reverse("forums:reply", args=[community.slug, thread.pk]),
        {"body": "Yes: ventilation.", "submission_key": "r1", "action": "post"},
    )
    thread.refresh_from_db()
    assert thread.reply_count == 1 and thread.last_post.author == replier


def test_sending_the_same_reply_twice_creates_one_post(client):
    thread = make_thread()
    replier = MembershipFactory(community=thread.community).user
    client.force_login(replier)
    url = reverse("forums:reply", args=[thread.community.slug, thread.pk])
    data = {"body": "Only once please", "submission_key": "same-key", "action": "post"}
    client.post(url, data)
    client.post(url, data)
    assert Post.objects.filter(thread=thread, author=replier).count() == 1


def test_preview_shows_the_rendered_text_and_keeps_the_form(client):
    thread = make_thread()
    client.force_login(MembershipFactory(community=thread.community).user)
    response = client.post(
        reverse("forums:reply", args=[thread.community.slug, thread.pk]),
        {"body": "*draft* <script>x</script>", "submission_key": "p1", "action": "preview"},
    )
    html = response.content.decode()
    assert "<em>draft</em>" in html and "<script>x" not in html
    assert "*draft* &lt;script&gt;x&lt;/script&gt;" in html
    assert Post.objects.filter(thread=thread).count() == 1


def test_replying_to_a_locked_thread_is_refused_even_by_a_crafted_post(client):
    thread = make_thread()
    Thread.objects.filter(pk=thread.pk).update(is_locked=True)
    client.force_login(MembershipFactory(community=thread.community).user)
    response = client.post(
        reverse("forums:reply", args=[thread.community.slug, thread.pk]),
        {"body": "Let me in", "submission_key": "x", "action": "post"},
    )
    assert response.status_code == 403
    assert "This thread is locked" in response.content.decode()
    assert "Let me in" in response.content.decode()
    assert Post.objects.filter(thread=thread).count() == 1


def test_a_quote_prefills_the_reply_with_the_quoted_post(client):
    thread = make_thread(body="Line one\nLine two")
    client.force_login(MembershipFactory(community=thread.community).user)
    first = thread.posts.get()
    html = client.get(
        reverse("forums:reply", args=[thread.community.slug, thread.pk]), {"quote": first.pk}
    ).content.decode()
    assert "&gt; Line one\n&gt; Line two" in html


def test_the_thread_author_marks_the_answer_and_the_list_shows_answered(client):
    thread = make_thread(replies=1)
    reply = thread.posts.order_by("created_at").last()
    client.force_login(thread.author)
    client.post(reverse("forums:post-answer", args=[thread.community.slug, reply.pk]))
    thread.refresh_from_db()
    assert thread.answer == reply
    listing = client.get(reverse("forums:forum", args=[thread.community.slug])).content.decode()
    assert "Answered" in listing
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Accepted answer" in page


def test_someone_else_cannot_mark_the_answer(client):
    thread = make_thread(replies=1)
    reply = thread.posts.order_by("created_at").last()
    client.force_login(MembershipFactory(community=thread.community).user)
    client.post(reverse("forums:post-answer", args=[thread.community.slug, reply.pk]))
    thread.refresh_from_db()
    assert thread.answer is None


def test_unread_replies_are_counted_and_jump_to_the_first_unread(client):
    thread = make_thread(replies=1)
    reader = MembershipFactory(community=thread.community).user
    client.force_login(reader)
    client.get(thread.get_absolute_url())
    new_post = post_services.post_reply(
        actor=MembershipFactory(community=thread.community).user, thread=thread, body="Fresh"
    )
    listing = client.get(reverse("forums:forum", args=[thread.community.slug])).content.decode()
    assert "1 new" in listing
    response = client.get(thread.get_absolute_url() + "?unread")
    assert response.status_code == 302 and response.url.endswith(f"#post-{new_post.pk}")


def test_a_permalink_finds_the_right_page():
    thread = make_thread(replies=25)
    last = thread.posts.order_by("created_at", "pk").last()
    from django.test import Client

    response = Client().get(reverse("forums:post", args=[thread.community.slug, last.pk]))
    assert response.status_code == 302
    assert response.url.endswith(f"?page=2#post-{last.pk}")


def test_a_post_over_the_size_limit_gets_a_clear_message_and_keeps_the_text(client, settings):
    thread = make_thread()
    client.force_login(MembershipFactory(community=thread.community).user)
    body = "x" * (settings.COPSITE_MAX_POST_LENGTH + 1)
    response = client.post(
        reverse("forums:reply", args=[thread.community.slug, thread.pk]),
        {"body": body, "submission_key": "big", "action": "post"},
    )
    html = response.content.decode()
    assert response.status_code == 400 and "at most" in html and body in html


def test_posting_too_fast_is_refused_politely_and_keeps_the_text(client, settings):
    settings.COPSITE_POSTS_PER_MINUTE = 2
    thread = make_thread()
    client.force_login(MembershipFactory(community=thread.community).user)
    url = reverse("forums:reply", args=[thread.community.slug, thread.pk])
    for n in range(2):
        client.post(url, {"body": f"Quick {n}", "submission_key": f"q{n}", "action": "post"})
    response = client.post(url, {"body": "One too many", "submission_key": "q3", "action": "post"})
    html = response.content.decode()
    assert response.status_code == 400 and "posting very quickly" in html and "One too many" in html


@pytest.mark.parametrize("rows", [3, 25])
def test_the_thread_list_query_count_does_not_grow_with_threads(
    client, django_assert_max_num_queries, rows
):
    community = CommunityFactory()
    for n in range(rows):
        make_thread(community=community, title=f"Thread {n}", replies=1)
    client.force_login(MembershipFactory(community=community).user)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("forums:forum", args=[community.slug])).status_code == 200


@pytest.mark.parametrize("rows", [2, 19])
def test_the_thread_page_query_count_does_not_grow_with_posts(
    client, django_assert_max_num_queries, rows
):
    thread = make_thread(replies=rows)
    for post in thread.posts.all()[:3]:
        from forums.models import Reaction

        Reaction.objects.create(post=post, user=UserFactory(), kind="helpful")
    client.force_login(MembershipFactory(community=thread.community).user)
    with django_assert_max_num_queries(22):
        assert client.get(thread.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("rows", [2, 20])
def test_latest_query_count_does_not_grow(client, django_assert_max_num_queries, rows):
    for n in range(rows):
        make_thread(title=f"T{n}")
    client.force_login(UserFactory())
    with django_assert_max_num_queries(12):
        assert client.get(reverse("forums:latest")).status_code == 200


def test_latest_never_shows_threads_from_communities_you_cannot_read(client):
    make_thread(title="Open news")
    make_thread(community=CommunityFactory(visibility="restricted"), title="Members only news")
    make_thread(community=CommunityFactory(visibility="private"), title="Secret news")
    client.force_login(UserFactory())
    html = client.get(reverse("forums:latest")).content.decode()
    assert "Open news" in html and "Members only news" not in html and "Secret news" not in html


def test_the_community_home_shows_latest_discussions_to_those_who_may_read_them(client):
    open_thread = make_thread(title="Open discussion")
    html = client.get(open_thread.community.get_absolute_url()).content.decode()
    assert "Latest discussions" in html and "Open discussion" in html
    restricted = CommunityFactory(visibility="restricted")
    make_thread(community=restricted, title="Members-only discussion")
    client.force_login(UserFactory())
    html = client.get(restricted.get_absolute_url()).content.decode()
    assert "Members-only discussion" not in html and "Latest discussions" not in html


def test_a_team_thread_never_names_the_facilitator_who_wrote_it(client):
    community = CommunityFactory()
    facilitator = MembershipFactory(
        community=community, role="facilitator", user=UserFactory(display_name="Fran Hidden")
    ).user
    thread = make_thread(community=community, author=facilitator, as_team=True, title="Welcome")
    opening = thread.posts.get()
    reader = MembershipFactory(community=community).user
    client.force_login(reader)
    client.post(reverse("forums:post-bookmark", args=[community.slug, opening.pk]))
    pages = [
        reverse("forums:forum", args=[community.slug]),
        thread.get_absolute_url(),
        reverse("forums:latest"),
        reverse("forums:bookmarks"),
        reverse("forums:reply", args=[community.slug, thread.pk]) + f"?quote={opening.pk}",
        reverse("forums:post-flag", args=[community.slug, opening.pk]),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert "Fran Hidden" not in html, url
        assert "facilitation team" in html, url


def test_a_team_reply_accepted_as_the_answer_never_names_the_facilitator_who_wrote_it(client):
    community = CommunityFactory()
    facilitator = MembershipFactory(
        community=community, role="facilitator", user=UserFactory(display_name="Fran Hidden")
    ).user
    thread = make_thread(community=community, title="Where do I start?")
    reply = post_services.post_reply(
        actor=facilitator, thread=thread, body="Read the guide.", as_team=True
    )
    post_services.answer_mark(actor=thread.author, thread=thread, post=reply)
    client.force_login(MembershipFactory(community=community).user)
    for url in (
        thread.get_absolute_url(),
        reverse("forums:forum", args=[community.slug]),
        reverse("forums:latest"),
    ):
        html = client.get(url).content.decode()
        assert "Fran Hidden" not in html, url
        assert "facilitation team" in html, url
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Accepted answer" in page and "By The facilitation team" in page


def _lock(post):
    Thread.objects.filter(pk=post.thread_id).update(is_locked=True)


def _hide(post):
    Post.objects.filter(pk=post.pk).update(status=Post.Status.HIDDEN, moderation_reason="Rude")


def _ban(post):
    facilitator = MembershipFactory(community=post.thread.community, role="facilitator").user
    community_services.posting_ban_create(
        actor=facilitator, community=post.thread.community, user=post.author
    )


@pytest.mark.parametrize(
    "change, reason",
    [
        (_lock, "This thread is locked"),
        (_hide, "A facilitator has hidden this post"),
        (_ban, "A facilitator has stopped you posting"),
    ],
)
def test_an_edit_refused_because_things_changed_while_typing_says_why_and_keeps_the_text(
    client, change, reason
):
    thread = make_thread(body="First words")
    post = thread.posts.get()
    client.force_login(thread.author)
    url = reverse("forums:post-edit", args=[thread.community.slug, post.pk])
    assert client.get(url).status_code == 200
    change(post)
    response = client.post(
        url, {"title": "A better title", "body": "My careful rewrite", "action": "save"}
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert reason in html and "There is a problem" in html
    assert "What you wrote" in html and "My careful rewrite" in html and "A better title" in html
    post.refresh_from_db()
    assert post.body == "First words"


def test_a_thread_refused_because_the_author_was_banned_while_typing_keeps_the_text(client):
    community = CommunityFactory()
    member = MembershipFactory(community=community).user
    facilitator = MembershipFactory(community=community, role="facilitator").user
    client.force_login(member)
    url = reverse("forums:thread-start", args=[community.slug])
    assert client.get(url).status_code == 200
    community_services.posting_ban_create(actor=facilitator, community=community, user=member)
    general = Category.objects.get(community=community, slug="general")
    response = client.post(
        url,
        {
            "title": "Damp in tower blocks",
            "category": general.pk,
            "body": "Three paragraphs of hard-won detail",
            "submission_key": "k1",
            "action": "post",
        },
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "A facilitator has stopped you posting" in html and "There is a problem" in html
    assert "Damp in tower blocks" in html and "Three paragraphs of hard-won detail" in html
    assert not Thread.objects.filter(community=community).exists()


@pytest.mark.parametrize(
    ("who", "says"),
    [
        ("anonymous", "to reply."),
        ("outsider", "Join the community to reply."),
        ("unverified", "Confirm your e-mail address to reply."),
        ("stopped", "A facilitator has stopped you posting in this community."),
    ],
)
def test_the_thread_page_says_why_someone_cannot_reply(client, who, says):
    thread = make_thread(replies=1)
    community = thread.community
    if who == "outsider":
        client.force_login(UserFactory())
    elif who == "unverified":
        client.force_login(MembershipFactory(community=community, user__verified=False).user)
    elif who == "stopped":
        facilitator = MembershipFactory(community=community, role="facilitator").user
        member = MembershipFactory(community=community).user
        community_services.posting_ban_create(actor=facilitator, community=community, user=member)
        client.force_login(member)
    html = client.get(thread.get_absolute_url()).content.decode()
    assert says in html and "Post reply" not in html
    if who == "anonymous":
        assert ">Sign in</a> to reply." in html
    if who == "outsider":
        assert f'href="{community.get_absolute_url()}">Go to' in html
