"""Data migrations that mend rows written by earlier versions."""

import importlib
from datetime import timedelta

import pytest

from django.apps import apps

from communities.models import Role
from forums.models import Post
from tests.factories import MembershipFactory, make_thread

pytestmark = pytest.mark.django_db

backfill = importlib.import_module("forums.migrations.0007_backfill_team_opening_posts")


def test_team_threads_from_before_0004_get_a_team_opening_post():
    facilitator = MembershipFactory(role=Role.FACILITATOR).user
    community = facilitator.memberships.get().community
    team = make_thread(community, author=facilitator, as_team=True, replies=1)
    personal = make_thread(community, author=facilitator, title="My own question")
    Post.objects.update(as_team=False)  # as a thread written before the field existed
    backfill.mark_team_opening_posts(apps, None)
    assert team.opening_post().as_team
    assert not team.posts.exclude(pk=team.opening_post().pk).filter(as_team=True).exists()
    assert not personal.opening_post().as_team


def test_an_older_post_merged_in_from_someone_else_is_left_alone():
    facilitator = MembershipFactory(role=Role.FACILITATOR).user
    community = facilitator.memberships.get().community
    team = make_thread(community, author=facilitator, as_team=True)
    opening = team.opening_post()
    older = make_thread(community, title="Older question").opening_post()
    Post.objects.filter(pk=older.pk).update(
        thread=team, created_at=opening.created_at - timedelta(days=1)
    )
    Post.objects.update(as_team=False)
    backfill.mark_team_opening_posts(apps, None)
    assert not Post.objects.get(pk=older.pk).as_team
    assert Post.objects.get(pk=opening.pk).as_team
