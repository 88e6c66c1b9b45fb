"""Collections and pages for bulk-created communities, which never sent the post_save signal
that makes them. `communities.seeding.seed_app_content` calls `seed_content` before the
sections' own seeders (this app comes first in INSTALLED_APPS)."""

from __future__ import annotations

import random
from collections.abc import Sequence

from communities.models import Community

from .collections import community_collection
from .sections import section_pages_ensure
from .tree import community_page_ensure


def seed_content(communities: Sequence[Community], members: Sequence, rng: random.Random) -> None:
    for community in communities:
        community_collection(community)
        community_page_ensure(community)
        section_pages_ensure(community)
