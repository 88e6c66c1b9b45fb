"""The forum's import path (`forums.importing`): threads and posts written with their original
authors and dates, counters right, nobody told, no rate limit or posting rule."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from django.apps import apps
from django.core import mail
from django.urls import reverse

from communities.models import Community, Visibility
from copsite.markup import mention_markdown
from forums import importing
from forums.importing import ImportedPost, ImportedRevision, ImportedThread, InvalidImport
from forums.models import Category, Mention, Post, PostRevision, Thread, ThreadRead, Watch
from forums.services import posts as post_services
from forums.services import threads as thread_services
from tests.factories import CommunityFactory, MembershipFactory, UserFactory, make_thread

pytestmark = pytest.mark.django_db

DENORMALISED = ("reply_count", "last_post_id", "last_activity_at", "answer_id")
MARCH_2019 = datetime(2019, 3, 4, 9, 30, tzinfo=UTC)


def general(community) -> Category:
    return Category.objects.get(community=community, slug="general")


def counters(thread: Thread) -> list:
    return [getattr(thread, name) for name in DENORMALISED]


def assert_counters_as_refresh_computes(thread: Thread) -> None:
    thread.refresh_from_db()
    imported = counters(thread)
    thread_services.thread_refresh_stats(thread)  # what the site itself would compute
    thread.refresh_from_db()
    assert counters(thread) == imported


def event_model():
    """The notifications app's domain events (renamed from Event to DomainEvent)."""
    for name in ("DomainEvent", "Event"):
        try:
            return apps.get_model("notifications", name)
        except LookupError:
            continue
    raise LookupError("notifications has no event model")


def assert_nobody_was_told() -> None:
    assert mail.outbox == []
    assert apps.get_model("notifications", "OutboundEmail").objects.count() == 0
    assert apps.get_model("notifications", "Notification").objects.count() == 0
    assert event_model().objects.count() == 0


def a_thread(community, author, *, when=MARCH_2019, replies=(), **fields) -> ImportedThread:
    return ImportedThread(
        community=community,
        category=general(community),
        title=fields.pop("title", "Damp in tower blocks"),
        opening=ImportedPost(author=author, created_at=when, body="Has anyone fixed it?"),
        replies=tuple(replies),
        **fields,
    )


# --- Authors, dates and counters ------------------------------------------------------------------


def test_an_imported_thread_keeps_its_authors_dates_and_counters():
    community = CommunityFactory()
    asker, helper, facilitator = (MembershipFactory(community=community).user for _ in range(3))
    edited = MARCH_2019 + timedelta(days=1, minutes=5)
    replies = [
        ImportedPost(author=helper, created_at=MARCH_2019 + timedelta(days=1), body="Vents.",
                     edited_at=edited,
                     revisions=[ImportedRevision(body="Fans.", replaced_at=edited)]),
        ImportedPost(author=asker, created_at=MARCH_2019 + timedelta(days=2), body="Thanks!"),
        ImportedPost(author=helper, created_at=MARCH_2019 + timedelta(days=3), body="Spam",
                     status=Post.Status.HIDDEN, moderation_reason="Advertising",
                     moderated_by=facilitator),
    ]  # fmt: skip
    result = importing.import_thread(
        community=community,
        category=general(community),
        title="Damp in tower blocks",
        author=asker,
        created_at=MARCH_2019,
        body="Has anyone fixed it?",
        replies=replies,
        tags=["damp", "Housing"],
        answer=0,
    )
    thread, posts = result.thread, result.posts
    assert result.created and len(posts) == 4
    assert thread.author == asker and thread.created_at == MARCH_2019
    assert [p.author_id for p in posts] == [asker.pk, helper.pk, asker.pk, helper.pk]
    assert [p.created_at for p in posts] == [MARCH_2019] + [r.created_at for r in replies]
    assert thread.opening_post() == posts[0]
    # Counters: two visible replies, the last visible post, its date, the answer.
    assert thread.reply_count == 2
    assert thread.last_post_id == posts[2].pk
    assert thread.last_activity_at == MARCH_2019 + timedelta(days=2)
    assert thread.answer_id == posts[1].pk
    assert_counters_as_refresh_computes(thread)
    helpful = Post.objects.get(pk=posts[1].pk)
    assert helpful.edited_at == edited
    revision = PostRevision.objects.get(post=helpful)
    assert (revision.body, revision.created_at, revision.edited_by) == ("Fans.", edited, helper)
    hidden = Post.objects.get(pk=posts[3].pk)
    assert hidden.moderated_by == facilitator and hidden.moderation_reason == "Advertising"
    assert sorted(thread.tags.names()) == ["Housing", "damp"]
    # As posting leaves it: everyone who posted watches, and has read up to their last post.
    assert set(Watch.objects.filter(thread=thread).values_list("user_id", flat=True)) == {
        asker.pk,
        helper.pk,
    }
    assert ThreadRead.objects.get(thread=thread, user=asker).last_read_at == posts[2].created_at


def test_many_threads_in_bulk_agree_with_refresh_stats_and_move_communities_forward():
    old = datetime(2010, 1, 1, tzinfo=UTC)
    quiet, busy = CommunityFactory(last_activity_at=old), CommunityFactory()
    busy_since = Community.objects.get(pk=busy.pk).last_activity_at
    people = {c.pk: [MembershipFactory(community=c).user for _ in range(4)] for c in (quiet, busy)}
    threads = []
    for n in range(12):
        community = (quiet, busy)[n % 2]
        who = people[community.pk]
        start = MARCH_2019 + timedelta(days=n)
        replies = [
            ImportedPost(author=who[k % 4], created_at=start + timedelta(hours=k), body=f"R{k}",
                         status=Post.Status.DELETED if k == n % 5 else Post.Status.VISIBLE)
            for k in range(n % 6)
        ]  # fmt: skip
        threads.append(a_thread(community, who[0], when=start, replies=replies, title=f"T{n}"))
    result = importing.import_threads(threads)
    assert len(result.threads) == 12 and result.posts == 12 + sum(n % 6 for n in range(12))
    for item in result.threads:
        returned = counters(item.thread)
        assert_counters_as_refresh_computes(item.thread)
        assert counters(item.thread) == returned  # the objects returned carry the counters
    latest_quiet = max(
        i.thread.last_activity_at for i in result.threads if i.thread.community == quiet
    )
    assert Community.objects.get(pk=quiet.pk).last_activity_at == latest_quiet
    assert Community.objects.get(pk=busy.pk).last_activity_at == busy_since  # never moved back


def test_replies_imported_into_an_existing_thread_are_counted():
    community = CommunityFactory()
    asker, helper = (MembershipFactory(community=community).user for _ in range(2))
    thread = importing.import_thread(
        community=community, category=general(community), title="Old", author=asker,
        created_at=MARCH_2019, body="Question",
    ).thread  # fmt: skip
    later = MARCH_2019 + timedelta(days=30)
    posts = importing.import_replies(
        thread=thread,
        replies=[ImportedPost(author=helper, created_at=later, body="A late answer")],
    )
    thread.refresh_from_db()
    assert thread.reply_count == 1 and thread.last_post == posts[0]
    assert thread.last_activity_at == later
    assert_counters_as_refresh_computes(thread)
    with pytest.raises(InvalidImport):  # older than the question
        importing.import_replies(
            thread=thread,
            replies=[ImportedPost(author=helper, created_at=MARCH_2019 - timedelta(days=1),
                                  body="Before the question")],
        )  # fmt: skip


def test_the_bulk_recount_is_the_services_recount():
    thread = make_thread(replies=3)
    answer = Post.objects.filter(thread=thread).order_by("created_at", "pk")[1]
    Thread.objects.filter(pk=thread.pk).update(answer=answer)
    Post.objects.filter(pk=answer.pk).update(status=Post.Status.HIDDEN)  # behind its back
    importing.threads_refresh_stats([thread.pk])
    thread.refresh_from_db()
    assert thread.reply_count == 2 and thread.answer is None
    assert_counters_as_refresh_computes(thread)


# --- Nobody is told, nothing is limited -----------------------------------------------------------


def test_importing_tells_nobody(run_after_commit):
    community = CommunityFactory()
    asker, watcher, mentioned = (MembershipFactory(community=community).user for _ in range(3))
    Watch.objects.create(user=watcher, category=general(community))  # hears of new threads
    existing = make_thread(community=community, author=watcher)  # its author watches it
    mail.outbox.clear()
    event_model().objects.all().delete()
    body = f"{mention_markdown(mentioned.public_name, mentioned.pk)} had this problem too."

    def import_everything():
        importing.import_thread(
            community=community, category=general(community), title="Damp", author=asker,
            created_at=MARCH_2019, body="Anyone?",
            replies=[ImportedPost(author=asker, created_at=MARCH_2019, body=body)],
        )  # fmt: skip
        importing.import_replies(
            thread=existing,
            replies=[ImportedPost(author=asker, created_at=existing.created_at, body=body)],
        )

    run_after_commit(import_everything)
    assert_nobody_was_told()
    # The mentions are recorded, as delivered, so a later edit does not announce them either.
    mentions = Mention.objects.filter(user=mentioned)
    assert mentions.count() == 2 and not mentions.filter(notified_at=None).exists()


def test_importing_is_not_rate_limited_and_applies_no_posting_rule(settings):
    settings.COPSITE_POSTS_PER_MINUTE = 2
    community = CommunityFactory()
    prolific = MembershipFactory(community=community).user
    outsider = UserFactory(verified=False)  # not a member, no verified address
    minute = [MARCH_2019 + timedelta(seconds=n) for n in range(50)]
    replies = [ImportedPost(author=prolific, created_at=when, body=f"Post {n}")
               for n, when in enumerate(minute[1:])]  # fmt: skip
    thread = importing.import_thread(
        community=community, category=general(community), title="Fifty in a minute",
        author=prolific, created_at=minute[0], body="Post 0", replies=replies,
    ).thread  # fmt: skip
    assert Post.objects.filter(thread=thread, author=prolific).count() == 50
    importing.import_replies(
        thread=thread, replies=[ImportedPost(author=outsider, created_at=minute[-1], body="Hi")]
    )
    assert Post.objects.filter(thread=thread).count() == 51
    # Their posting budget is untouched: the live service still lets them post twice.
    for n in range(2):
        post_services.post_reply(actor=prolific, thread=thread, body=f"Live {n}")


# --- Reading --------------------------------------------------------------------------------------


def test_imported_threads_list_by_their_dates_among_live_ones(client):
    community = CommunityFactory(visibility=Visibility.OPEN)
    author = MembershipFactory(community=community).user
    make_thread(community=community, author=author, title="Written today")
    importing.import_threads([
        a_thread(community, author, when=datetime(2018, 5, 1, tzinfo=UTC), title="From 2018"),
        a_thread(community, author, when=datetime(2020, 5, 1, tzinfo=UTC), title="From 2020"),
    ])  # fmt: skip
    for url in (reverse("forums:forum", args=[community.slug]), reverse("forums:latest")):
        page = client.get(url).content.decode()
        positions = [page.index(title) for title in ("Written today", "From 2020", "From 2018")]
        assert positions == sorted(positions), url


def test_an_imported_thread_in_a_private_community_is_hidden_from_outsiders(client):
    community = CommunityFactory(visibility=Visibility.PRIVATE)
    member = MembershipFactory(community=community).user
    thread = importing.import_thread(
        community=community, category=general(community), title="Members only", author=member,
        created_at=MARCH_2019, body="Between us",
    ).thread  # fmt: skip
    assert client.get(thread.get_absolute_url()).status_code == 404
    client.force_login(UserFactory())
    assert client.get(thread.get_absolute_url()).status_code == 404
    client.force_login(member)
    page = client.get(thread.get_absolute_url())
    assert page.status_code == 200 and "4 Mar 2019" in page.content.decode()


# --- Importing twice, and what is refused ---------------------------------------------------------


def test_source_keys_make_a_second_run_add_only_what_is_new():
    community = CommunityFactory()
    asker, helper = (MembershipFactory(community=community).user for _ in range(2))

    def run(*replies):
        opening = ImportedPost(author=asker, created_at=MARCH_2019, body="Q", source_key="t-1")
        thread = ImportedThread(community=community, category=general(community), title="Q",
                                opening=opening, replies=replies)  # fmt: skip
        return importing.import_threads([thread]).threads[0]

    def reply(n, key=""):
        when = MARCH_2019 + timedelta(hours=n)
        return ImportedPost(author=helper, created_at=when, body=f"R{n}", source_key=key)

    first = run(reply(1, "p-1"), reply(2))
    assert first.created and len(first.posts) == 3
    second = run(reply(1, "p-1"), reply(2), reply(3, "p-3"))
    assert not second.created and second.thread.pk == first.thread.pk
    assert [p.body for p in second.posts] == ["R3"]  # the keyless reply is not written again
    assert Thread.objects.count() == 1 and Post.objects.count() == 4
    assert second.thread.reply_count == 3
    assert_counters_as_refresh_computes(second.thread)


def test_a_key_given_twice_in_one_import_is_one_thread():
    community = CommunityFactory()
    asker = MembershipFactory(community=community).user
    opening = ImportedPost(author=asker, created_at=MARCH_2019, body="Q", source_key="dup")
    thread = ImportedThread(community=community, category=general(community), title="Q",
                            opening=opening)  # fmt: skip
    result = importing.import_threads([thread, thread])
    assert Thread.objects.count() == 1 and Post.objects.count() == 1
    assert result.threads[0].thread.pk == result.threads[1].thread.pk


@pytest.mark.parametrize(
    "problem",
    ["other community's category", "reply before the question", "naive date", "hidden question",
     "answer not visible", "empty body"],
)  # fmt: skip
def test_invalid_content_writes_nothing(problem):
    community, elsewhere = CommunityFactory(), CommunityFactory()
    author = MembershipFactory(community=community).user
    fine = a_thread(community, author, replies=[
        ImportedPost(author=author, created_at=MARCH_2019 + timedelta(hours=1), body="R",
                     status=Post.Status.DELETED),
    ])  # fmt: skip
    question = fine.opening
    before = MARCH_2019 - timedelta(hours=1)
    broken = {
        "other community's category": lambda: replace(fine, category=general(elsewhere)),
        "reply before the question": lambda: replace(
            fine, replies=(replace(question, created_at=before),)
        ),
        "naive date": lambda: replace(
            fine,
            opening=replace(question, created_at=datetime(2019, 3, 4)),  # noqa: DTZ001
        ),
        "hidden question": lambda: replace(
            fine, opening=replace(question, status=Post.Status.HIDDEN)
        ),
        "answer not visible": lambda: replace(fine, answer=0),
        "empty body": lambda: replace(fine, opening=replace(question, body="  ")),
    }[problem]()
    with pytest.raises(InvalidImport):
        importing.import_threads([fine, broken])
    assert Thread.objects.count() == 0 and Post.objects.count() == 0


def test_long_source_keys_fit_the_submission_key():
    key = importing.submission_key_for("mailing-list:" + "x" * 200)
    assert key.startswith("import:") and len(key) <= 64
    assert key == importing.submission_key_for("mailing-list:" + "x" * 200)
    assert importing.submission_key_for("wp:12") == "import:wp:12"
