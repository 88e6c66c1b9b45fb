"""Every named URL of our own apps is a row of a permission matrix.

The project rule: every new URL goes through the access module and the permission-matrix test
covers it. This test keeps the second half honest. It resolves the URL of every row of
tests/test_permission_matrix.py and tests/blogs/test_permission_matrix.py (for each kind of
community) to its view name, walks the URL resolver for every pattern whose view lives in one of
our apps, and fails naming each one no row reaches. A URL that truly cannot be a matrix row goes
in EXEMPT with the reason and the test that covers its access instead.
"""

from urllib.parse import urlsplit

from django.urls import URLPattern, URLResolver, get_resolver, resolve

from accounts.feeds import feed_token_for
from tests.blogs.test_permission_matrix import matrix as blog_matrix
from tests.matrix import VISIBILITIES
from tests.test_permission_matrix import matrix as site_matrix

MATRICES = (site_matrix, blog_matrix)

OUR_APPS = {"accounts", "communities", "forums", "blogs", "notifications", "facilitation", "pages",
            "copsite"}  # fmt: skip

# {view name: why it is not a matrix row, and which test covers who may reach it}.
EXEMPT: dict[str, str] = {}


def _patterns(patterns, namespace: str = ""):
    """(view name or None, route, pattern) for every URL pattern, namespaces included."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            for name, route, found in _patterns(pattern.url_patterns, inner):
                yield name, f"{pattern.pattern}{route}", found
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield name, str(pattern.pattern), pattern


def _ours(pattern: URLPattern) -> bool:
    """Views defined in our apps. Wagtail's admin and page serving, allauth, Django's admin and
    static serving are theirs; our views registered inside the Wagtail admin (hooks) are ours."""
    module = getattr(pattern.callback, "__module__", None) or ""
    return module.split(".")[0] in OUR_APPS


def our_url_patterns() -> tuple[set[str], list[str]]:
    """The view names of our apps' URLs, and the routes of any of ours without a name."""
    named, unnamed = set(), []
    for name, route, pattern in _patterns(get_resolver().url_patterns):
        if not _ours(pattern):
            continue
        if name:
            named.add(name)
        else:
            unnamed.append(route)
    return named, sorted(unnamed)


def _view_names(rows, cast) -> set[str]:
    names = set()
    for row in rows:
        match = resolve(urlsplit(row.url(cast)).path)
        names.add(match.view_name)
    return names


def test_every_url_of_ours_is_in_a_permission_matrix(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.COPSITE_POSTS_PER_MINUTE = 10_000
    covered = set()
    for visibility in VISIBILITIES:
        for matrix in MATRICES:
            cast = matrix.build(visibility)
            # The matrices set the token of the person in each column; any person's will do.
            cast.token = feed_token_for(cast.member)
            covered |= _view_names(matrix.rows, cast)

    ours, unnamed = our_url_patterns()
    assert not unnamed, _listing("URLs of ours without a name (name them, add rows)", unnamed)
    uncovered = sorted(ours - covered - EXEMPT.keys())
    assert not uncovered, _listing(
        "URLs in no permission matrix (add rows to tests/test_permission_matrix.py or "
        "tests/blogs/test_permission_matrix.py)",
        uncovered,
    )
    stale = sorted(EXEMPT.keys() - ours)
    assert not stale, _listing("EXEMPT names URLs that no longer exist", stale)
    now_covered = sorted(EXEMPT.keys() & covered)
    assert not now_covered, _listing("EXEMPT URLs now in a matrix: drop them", now_covered)


def _listing(message: str, names: list[str]) -> str:
    return "\n".join([f"{message}:", *(f"  {name}" for name in names)])
