"""Shared fixtures. `people` builds one community of each visibility and a person in every
role the permission matrix uses."""

from dataclasses import dataclass

import pytest

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from wagtail.signal_handlers import disable_reference_index_auto_update

from communities.models import Role, Visibility
from tests.factories import (
    CommunityFactory,
    MembershipFactory,
    MembershipRequestFactory,
    UserFactory,
)
from tests.matrix import VISIBILITIES, build_cast_in_transaction

ROLES = ("anonymous", "outsider", "pending", "member", "facilitator", "owner", "staff")


@dataclass
class Cast:
    community: object
    outsider: object
    pending: object
    member: object
    facilitator: object
    owner: object
    staff: object

    def person(self, role: str):
        return AnonymousUser() if role == "anonymous" else getattr(self, role)


def make_cast(visibility: str, staff=None) -> Cast:
    community = CommunityFactory(visibility=visibility)
    members = {
        role: MembershipFactory(community=community, role=role).user
        for role in (Role.MEMBER, Role.FACILITATOR, Role.OWNER)
    }
    pending = MembershipRequestFactory(community=community).user
    return Cast(
        community=community,
        outsider=UserFactory(),
        pending=pending,
        member=members[Role.MEMBER],
        facilitator=members[Role.FACILITATOR],
        owner=members[Role.OWNER],
        staff=staff or UserFactory(is_staff=True, is_superuser=True),
    )


@pytest.fixture
def cast_factory(db):
    return make_cast


@pytest.fixture
def open_cast(db):
    return make_cast(Visibility.OPEN)


@pytest.fixture
def restricted_cast(db):
    return make_cast(Visibility.RESTRICTED)


@pytest.fixture
def private_cast(db):
    return make_cast(Visibility.PRIVATE)


@pytest.fixture(scope="module", params=VISIBILITIES)
def _matrix_cast(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """The cast of the test module's permission matrix (its `matrix`) for one visibility."""
    yield from build_cast_in_transaction(
        request.module.matrix,
        request.param,
        django_db_blocker,
        tmp_path_factory.mktemp("matrix-media"),
    )


@pytest.fixture
def cast(_matrix_cast, db, settings):
    """A cast of this module's permission matrix (tests/matrix.py), each test in a savepoint.
    Settings that app conftests change per test are set back to the cast's own."""
    settings.MEDIA_ROOT = _matrix_cast.media_root
    settings.COPSITE_POSTS_PER_MINUTE = 10_000
    return _matrix_cast


@pytest.fixture(autouse=True)
def _search_and_reference_indexes(request, settings):
    """Wagtail updates its search index and its reference index on every page, image and
    document save: a tenth of what making test data costs. Only tests that search in the
    admin (or read where a page is used) need them, and say so: `@pytest.mark.search_index`."""
    if request.node.get_closest_marker("search_index"):
        yield
        return
    settings.WAGTAILSEARCH_BACKENDS = {
        name: {**backend, "AUTO_UPDATE": False}
        for name, backend in settings.WAGTAILSEARCH_BACKENDS.items()
    }
    with disable_reference_index_auto_update():
        yield


@pytest.fixture(autouse=True)
def _english_to_start_with():
    """A request under /cy/ leaves Welsh active in the thread (LocaleMiddleware activates, and
    nothing deactivates): each test starts in English, as a server process does."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits live in the cache: every test starts with none used."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def run_after_commit(django_capture_on_commit_callbacks):
    """Run what the code queues after commit (event processing, e-mail delivery), as the
    worker would: `run_after_commit(lambda: ...)`."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run
