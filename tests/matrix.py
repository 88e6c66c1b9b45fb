"""One runner for every permission matrix.

A matrix is rows (a URL and the status code each kind of person should get, by community
visibility) and columns (the roles). Each app's matrix module describes its rows and how to
build its cast (a community of one visibility with a person in every role and the content the
rows point at), then declares

    matrix = Matrix("forum", URLS, ROLES, build)

    @pytest.mark.parametrize("row", matrix.cells())
    def test_forum_permission_matrix(client, cast, row):
        matrix.check(client, cast, row)

The `cast` fixture (tests/conftest.py) is module-scoped and parametrised by visibility, so
pytest runs a module's cells one visibility at a time and builds each visibility's cast once,
inside a transaction that is rolled back before the next visibility's (one community of one
visibility at a time, as when every cell built its own). Every test runs in a savepoint
inside it (pytest-django's `db`), so a row that changes something changes it for that test
only. Building the cast is
most of a cell's cost: 441 cells used to rebuild it 441 times.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.utils import translation

from accounts.feeds import feed_token_for
from communities.models import Visibility
from copsite import languages

OPEN, RESTRICTED, PRIVATE = Visibility.OPEN, Visibility.RESTRICTED, Visibility.PRIVATE
VISIBILITIES = (OPEN, RESTRICTED, PRIVATE)
# The anonymous column's feed token: well formed, nobody's.
NOBODY_S_TOKEN = "0-" + "0" * 40


@dataclass(frozen=True)
class Row:
    name: str
    url: Callable  # (cast) -> str
    expect: Callable  # (visibility, role) -> int
    method: str = "get"
    # False for URLs fetched without a session, as a feed reader fetches a feed.
    session: bool = True


@dataclass
class Matrix:
    """A permission matrix: `rows` x `roles`, with casts made by `build(visibility)`.

    `resets[row name](cast)` runs before each person's request for rows whose action changes
    what the next person meets (lifting a ban, restoring a comment)."""

    name: str
    rows: list[Row]
    roles: tuple[str, ...]
    build: Callable  # (visibility) -> cast
    resets: dict[str, Callable] = field(default_factory=dict)

    def cells(self) -> list:
        """The rows, as parameters; the `cast` fixture brings each visibility in turn."""
        return [pytest.param(row, id=row.name) for row in self.rows]

    def sign_in_once(self, cast) -> None:
        """Give every person of the cast a session and a feed token, once for the module (the
        session rows live in the cast's transaction), so each cell only swaps a cookie."""
        cast.sessions, cast.tokens = {}, {}
        for role in self.roles:
            if role == "anonymous":
                continue
            person = getattr(cast, role)
            client = Client()
            client.force_login(person)
            cast.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
            cast.tokens[role] = feed_token_for(person)

    def statuses(self, client, cast, row: Row, language: str = "") -> dict[str, int]:
        """Each role's status code; with `language` ("cy"), at that language's address."""
        got = {}
        for role in self.roles:
            self.resets.get(row.name, _nothing)(cast)
            client.cookies.pop(settings.SESSION_COOKIE_NAME, None)
            if role in cast.sessions and row.session:
                client.cookies[settings.SESSION_COOKIE_NAME] = cast.sessions[role]
            # Personal feed rows read with the token of the person in the column.
            cast.token = cast.tokens.get(role, NOBODY_S_TOKEN)
            with translation.override(settings.LANGUAGE_CODE):
                url = row.url(cast)
            if language:
                url = languages.address_in(language, url)
            got[role] = getattr(client, row.method)(url).status_code
        return got

    def expected(self, row: Row, visibility: str) -> dict[str, int]:
        return {role: row.expect(visibility, role) for role in self.roles}

    def check(self, client, cast, row: Row, language: str = "") -> None:
        got = self.statuses(client, cast, row, language)
        expected = self.expected(row, cast.visibility)
        assert got == expected, f"{row.name}: got {got}, expected {expected}"


def _nothing(cast) -> None:
    return None


def build_cast_in_transaction(matrix: Matrix, visibility: str, django_db_blocker, media_root):
    """Build the cast of one visibility inside a transaction, yield it, then roll it all back.
    (A generator for the module-scoped fixture `_matrix_cast` of tests/conftest.py.)"""
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media_root, COPSITE_POSTS_PER_MINUTE=10_000),
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            cast = matrix.build(visibility)
            matrix.sign_in_once(cast)
            cast.visibility, cast.media_root = visibility, media_root
            yield cast
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
