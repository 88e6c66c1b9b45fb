"""Realistic data for demos and benchmarks, inserted in bulk.

`manage.py seed` and `manage.py load_demo` both use these functions. Later apps add their
own content by providing `<app>.seeding.seed_content(communities, members, rng)`.
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Sequence
from datetime import timedelta

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User

from .models import Community, Membership, MembershipRequest, Role, Visibility

FIRST_NAMES = (
    "Aisha", "Ben", "Catrin", "Dev", "Eilidh", "Femi", "Gareth", "Hana", "Imran", "Jess",
    "Kwame", "Lowri", "Mei", "Niamh", "Owen", "Priya", "Rhys", "Sian", "Tom", "Usha",
    "Vik", "Wendy", "Yusuf", "Zara",
)  # fmt: skip
LAST_NAMES = (
    "Ahmed", "Brown", "Chen", "Davies", "Evans", "Fraser", "Green", "Hughes", "Iqbal",
    "Jones", "Khan", "Lewis", "Morgan", "Nowak", "Okafor", "Patel", "Quinn", "Roberts",
    "Singh", "Thomas", "Usman", "Walker", "Young",
)  # fmt: skip
JOB_TITLES = (
    "Policy officer", "Service designer", "Housing officer", "Data analyst",
    "Community development worker", "Digital lead", "Social worker", "Procurement manager",
    "Public health practitioner", "User researcher", "Project manager", "Team leader",
)  # fmt: skip
ORGANISATIONS = (
    "Cardiff Council", "Leeds City Council", "NHS England", "Department for Education",
    "Scottish Government", "Welsh Government", "Bristol City Council", "Local Government "
    "Association", "Citizens Advice", "Ministry of Housing", "Kent County Council",
)  # fmt: skip
TOPICS = (
    "Housing", "Digital inclusion", "Data protection", "Service design", "Adult social care",
    "Procurement", "Climate action", "Public health", "Open data", "Youth services",
    "Libraries", "Planning", "Council tax", "Homelessness", "Accessibility", "Waste and "
    "recycling", "Community safety", "Education", "Transport", "Welfare rights",
)  # fmt: skip
GUIDELINES = (
    "Be kind and assume good intent.\nShare what you can; respect what others cannot.\n"
    "No personal data about service users.\nFacilitators may move or remove posts."
)


def seed_members(
    count: int,
    rng: random.Random,
    *,
    password: str = "copsite-seed-password",
    email_domain: str = "example.gov.uk",
) -> list[User]:
    """Create `count` verified members with realistic names, in bulk."""
    from allauth.account.models import EmailAddress

    password_hash = make_password(password)  # hashed once: hashing 10,000 times takes minutes
    start = (User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    now = timezone.now()
    users = [
        User(
            email=f"member{start + i}@{email_domain}",
            password=password_hash,
            display_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            job_title=rng.choice(JOB_TITLES),
            organisation=rng.choice(ORGANISATIONS),
            date_joined=now - timedelta(days=rng.randint(0, 700)),
        )
        for i in range(count)
    ]
    User.objects.bulk_create(users, batch_size=1000)
    users = list(User.objects.filter(email__in=[u.email for u in users]).order_by("pk"))
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
        batch_size=1000,
    )
    return users


def seed_communities(
    count: int,
    members: Sequence[User],
    rng: random.Random,
    *,
    memberships_per_member: tuple[int, int] = (1, 4),
) -> list[Community]:
    """Create `count` communities of mixed visibility and spread the members across them."""
    now = timezone.now()
    communities = []
    taken = set(Community.objects.values_list("slug", flat=True))
    for i in range(count):
        topic = TOPICS[i % len(TOPICS)]
        name = topic if i < len(TOPICS) else f"{topic} {i // len(TOPICS) + 1}"
        slug = slugify(name)
        if slug in taken:
            continue
        taken.add(slug)
        visibility = rng.choices(
            [Visibility.OPEN, Visibility.RESTRICTED, Visibility.PRIVATE], weights=[6, 3, 1]
        )[0]
        communities.append(
            Community(
                name=name,
                slug=slug,
                description=f"A community of practice for people working on {topic.lower()} "
                "in public services: share what works, ask questions, find peers.",
                guidelines=GUIDELINES,
                visibility=visibility,
                allowed_email_domains="*.gov.uk" if visibility == Visibility.RESTRICTED else "",
                last_activity_at=now - timedelta(hours=rng.randint(0, 24 * 60)),
            )
        )
    Community.objects.bulk_create(communities)
    communities = list(Community.objects.filter(slug__in=[c.slug for c in communities]))
    for community in communities:
        community.tags.add(community.name.split(" ")[0].lower(), "public sector")
    if not communities or not members:
        return communities

    memberships: dict[tuple[int, int], Membership] = {}
    owners = rng.sample(list(members), min(len(members), len(communities)))
    for community, owner in zip(communities, owners, strict=False):
        memberships[(community.pk, owner.pk)] = Membership(
            community=community, user=owner, role=Role.OWNER, accepted_guidelines_at=now
        )
    low, high = memberships_per_member
    for member in members:
        for community in rng.sample(communities, min(len(communities), rng.randint(low, high))):
            key = (community.pk, member.pk)
            if key not in memberships:
                role = Role.FACILITATOR if rng.random() < 0.02 else Role.MEMBER
                memberships[key] = Membership(
                    community=community,
                    user=member,
                    role=role,
                    joined_at=now - timedelta(days=rng.randint(0, 365)),
                    accepted_guidelines_at=now,
                )
    Membership.objects.bulk_create(memberships.values(), batch_size=2000, ignore_conflicts=True)

    restricted = [c for c in communities if c.visibility == Visibility.RESTRICTED]
    requests = []
    for community in restricted:
        for member in rng.sample(list(members), min(3, len(members))):
            if (community.pk, member.pk) not in memberships:
                requests.append(
                    MembershipRequest(
                        community=community,
                        user=member,
                        message="I work on this in my council and would like to learn from you.",
                    )
                )
    MembershipRequest.objects.bulk_create(requests, ignore_conflicts=True)
    return communities


def seed_app_content(communities: list[Community], members: list[User], rng: random.Random) -> None:
    """Let each app that has a `seeding.seed_content` add its own content."""
    for config in apps.get_app_configs():
        if config.name == "communities":
            continue
        try:
            module = importlib.import_module(f"{config.name}.seeding")
        except ModuleNotFoundError:
            continue
        seed_content = getattr(module, "seed_content", None)
        if seed_content:
            seed_content(communities, members, rng)


@transaction.atomic
def seed(*, members: int, communities: int, seed_value: int = 1) -> tuple[list, list]:
    rng = random.Random(seed_value)
    people = seed_members(members, rng)
    groups = seed_communities(communities, people, rng)
    seed_app_content(groups, people, rng)
    return groups, people
