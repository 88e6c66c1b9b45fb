"""Views fetch community-scoped data only through the access module (Zulip-style lint).

A view may not start from `Community.objects.filter/get/all/first`: it must use
`permissions.get_*_or_404`, `Community.objects.listed_to(user)`, `.readable_by(user)` or
another access function.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VIEW_FILES = [
    p
    for pattern in ("*/views.py", "*/admin_views.py", "*/feeds.py", "*/api.py")
    for p in ROOT.glob(pattern)
    if ".venv" not in p.parts
]
RAW_COMMUNITY_QUERY = re.compile(r"Community\.objects\.(?!listed_to\(|readable_by\()\w+\(")


def test_views_never_query_communities_around_the_access_module():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in VIEW_FILES
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if RAW_COMMUNITY_QUERY.search(line)
    ]
    assert VIEW_FILES, "no view modules found"
    assert offenders == []
