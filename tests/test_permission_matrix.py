"""Every URL the site has, for every kind of person, in every kind of community.

Rows: the URLs. Columns: anonymous, outsider, pending requester, member, facilitator,
owner, a facilitator of another community, and site staff. Each cell is the status code.
Later issues add their URLs to URLS.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from django.urls import reverse

from communities.models import Visibility
from tests.conftest import make_cast
from tests.factories import MembershipFactory

OPEN, RESTRICTED, PRIVATE = Visibility.OPEN, Visibility.RESTRICTED, Visibility.PRIVATE
ROLES = (
    "anonymous", "outsider", "pending", "member", "facilitator", "owner", "other_facilitator",
    "staff",
)  # fmt: skip
INSIDERS = {"member", "facilitator", "owner", "staff"}
MODERATORS = {"facilitator", "owner", "staff"}
SIGNED_IN_WITHOUT_ADMIN = {"outsider", "pending", "member"}


@dataclass(frozen=True)
class Row:
    name: str
    url: Callable  # (cast) -> str
    expect: Callable  # (visibility, role) -> int
    method: str = "get"


def everyone(code: int) -> Callable:
    return lambda visibility, role: code


def signed_in(code: int) -> Callable:
    return lambda visibility, role: 302 if role == "anonymous" else code


def community_page(visibility, role) -> int:
    """The community's home: listed ones for all, private ones only for insiders."""
    if visibility == PRIVATE and role not in INSIDERS:
        return 404
    return 200


def community_content(visibility, role) -> int:
    if visibility == PRIVATE and role not in INSIDERS:
        return 404
    if visibility == RESTRICTED and role not in INSIDERS:
        return 403
    return 200


def signed_in_community_action(ok: Callable) -> Callable:
    """Actions needing sign-in: anonymous → sign in; hidden community → 404; else `ok`."""

    def expect(visibility, role):
        if role == "anonymous":
            return 302
        if visibility == PRIVATE and role not in INSIDERS:
            return 404
        return ok(visibility, role)

    return expect


def join_page(visibility, role) -> int:
    # Only people who may join directly see the form; everyone else is sent on (302).
    return 200 if visibility == OPEN and role not in INSIDERS - {"staff"} else 302


def request_page(visibility, role) -> int:
    return (
        200
        if visibility == RESTRICTED and role in {"outsider", "other_facilitator", "staff"}
        else 302
    )


def leave_page(visibility, role) -> int:
    return 200 if role in INSIDERS - {"staff"} else 302


def create_community(visibility, role) -> int:
    return {"anonymous": 302, "staff": 200}.get(role, 403)


def admin_home(visibility, role) -> int:
    if role == "anonymous":
        return 302
    return 403 if role in SIGNED_IN_WITHOUT_ADMIN else 200


def admin_community(ok: int) -> Callable:
    def expect(visibility, role):
        if role == "anonymous":
            return 302
        if role in SIGNED_IN_WITHOUT_ADMIN:
            return 403
        if role == "other_facilitator":
            # Wagtail turns PermissionDenied in admin views into a redirect to the admin
            # home with an error message; hidden communities stay 404.
            return 404 if visibility == PRIVATE else 302
        return ok

    return expect


URLS = [
    Row("home", lambda c: "/", everyone(200)),
    Row("accessibility", lambda c: "/accessibility/", everyone(200)),
    Row("health", lambda c: reverse("health"), everyone(200)),
    Row("theme-css", lambda c: reverse("theme-css"), everyone(200)),
    Row("directory", lambda c: reverse("communities:directory"), everyone(200)),
    Row("community-create", lambda c: reverse("communities:community-create"), create_community),
    Row("community-home", lambda c: c.community.get_absolute_url(), community_page),
    Row(
        "member-list",
        lambda c: reverse("communities:member-list", args=[c.community.slug]),
        community_content,
    ),
    Row(
        "join",
        lambda c: reverse("communities:join", args=[c.community.slug]),
        signed_in_community_action(join_page),
    ),
    Row(
        "request",
        lambda c: reverse("communities:request", args=[c.community.slug]),
        signed_in_community_action(request_page),
    ),
    Row(
        "request-withdraw",
        lambda c: reverse("communities:request-withdraw", args=[c.community.slug]),
        signed_in_community_action(lambda v, r: 302),
        method="post",
    ),
    Row(
        "leave",
        lambda c: reverse("communities:leave", args=[c.community.slug]),
        signed_in_community_action(leave_page),
    ),
    Row("invitation-unknown", lambda c: "/invitations/not-a-real-token/", everyone(404)),
    Row("profile", lambda c: c.member.get_absolute_url(), signed_in(200)),
    Row("profile-edit", lambda c: reverse("accounts:profile-edit"), signed_in(200)),
    Row("account-delete", lambda c: reverse("accounts:account-delete"), signed_in(200)),
    Row("account-email", lambda c: reverse("account_email"), signed_in(200)),
    Row("admin", lambda c: "/admin/", admin_home),
    Row("admin-communities", lambda c: reverse("communities_admin:index"), admin_home),
    Row(
        "admin-requests",
        lambda c: reverse("communities_admin:requests", args=[c.community.pk]),
        admin_community(200),
    ),
    Row(
        "admin-members",
        lambda c: reverse("communities_admin:members", args=[c.community.pk]),
        admin_community(200),
    ),
    Row(
        "admin-invitations",
        lambda c: reverse("communities_admin:invitations", args=[c.community.pk]),
        admin_community(200),
    ),
    Row(
        "admin-settings",
        lambda c: reverse("communities_admin:edit", args=[c.community.pk]),
        admin_community(200),
    ),
    Row(
        "admin-request-approve",
        lambda c: reverse("communities_admin:request-approve", args=[c.request_id]),
        admin_community(302),
        method="post",
    ),
    Row(
        "admin-request-decline",
        lambda c: reverse("communities_admin:request-decline", args=[c.request_id]),
        admin_community(302),
        method="post",
    ),
]


@pytest.fixture
def casts(db):
    """One cast per visibility, sharing a staff user and a facilitator of another community."""
    first = make_cast(OPEN)
    casts = {OPEN: first}
    for visibility in (RESTRICTED, PRIVATE):
        casts[visibility] = make_cast(visibility, staff=first.staff)
    elsewhere = MembershipFactory(role="facilitator").user
    for cast in casts.values():
        cast.other_facilitator = elsewhere
        cast.request_id = cast.community.membership_requests.get().pk
    return casts


def _cells() -> list:
    return list(_cell_params())


def _cell_params():
    for row in URLS:
        for visibility in (OPEN, RESTRICTED, PRIVATE):
            yield pytest.param(row, visibility, id=f"{row.name}-{visibility}")


@pytest.mark.parametrize(("row", "visibility"), _cells())
def test_permission_matrix(client, casts, row, visibility):
    cast = casts[visibility]
    url = row.url(cast)
    got = {}
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(getattr(cast, role))
        response = getattr(client, row.method)(url)
        got[role] = response.status_code
    expected = {role: row.expect(visibility, role) for role in ROLES}
    assert got == expected
