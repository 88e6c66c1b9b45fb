"""Community content is read through the access module: a guard in the style of Zulip's lint.

Every model with a path of foreign keys to `Community` (found through `apps.get_models()`, so a
new app's models are guarded the day they exist) may be queried in a view, feed, section,
reading or digest module only:

- through its scoped queryset (`.visible_to(user)`, or `Community.objects.listed_to(user)` for
  listings), or
- narrowed to one community, thread or post the module already holds (`community=...`,
  `thread=...`, `post__thread=...`), which views get from the access module's fetchers and
  mixins, or to the person's own rows (`user=...`, `recipient=...`).

Anything else is listed in EXCEPTIONS with the reason it is safe.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.apps import apps

from communities.models import Community

ROOT = Path(__file__).resolve().parents[1]
OUR_APPS = ("accounts", "blogs", "communities", "community_pages", "facilitation", "forums",
            "notifications", "pages", "copsite")  # fmt: skip
GUARDED = re.compile(
    r"(^|/)(views|admin_views|\w+_views|feeds|sections|home_sections|reading|digest"
    r"|moderation_queries|api)\.py$|/views/|/digests/"
)
# `opening(thread)` narrows to one thread the module holds, like `thread=...`.
SCOPED_METHODS = {"visible_to", "listed_to", "opening"}
# Keywords that narrow a query to objects the module already holds (or that an outer, scoped
# query holds: `OuterRef`), or to one's own rows.
SCOPING_KEYWORD = re.compile(r"^(community|thread|post|parent|user|recipient)(_id)?(__\w+)?$")
# Calls whose queryset argument runs under a query that is scoped already.
NESTING_CALLS = {"Prefetch"}

# (module path, model): why the query is safe without `visible_to`.
EXCEPTIONS = {
    ("blogs/admin_views.py", "BlogIndexPage"): (
        "the blogs of the communities `communities_moderated_by(user)` returns"
    ),
    ("blogs/views/images.py", "Community"): (
        "finds the community holding a picture's collection, then `require_visible`"
    ),
    ("communities/admin_views.py", "Membership"): (
        "counted per community of `communities_moderated_by`, or fetched by id and then "
        "`get_moderated_community_or_404` for its community"
    ),
    ("communities/admin_views.py", "MembershipRequest"): (
        "as above: counted per moderated community, or fetched by id then checked"
    ),
    ("forums/digest.py", "Post"): (
        "a digest batch reads everyone's candidates in one query and asks the access module "
        "per person (decision 18)"
    ),
    ("forums/digest.py", "Reaction"): "as above: the batch's reactions, checked per person",
    ("forums/feeds.py", "Thread"): "the threads of posts the feed took from `visible_to`",
    ("forums/moderation_queries.py", "Flag"): (
        "prefetched under the posts of the one community the facilitator's page is about"
    ),
    ("forums/views/writing.py", "PostImage"): "fetched by id, then `require_visible`",
    ("notifications/views.py", "Notification"): (
        "marks read the person's own notifications, chosen by the scoped list above"
    ),
}


def _path_to_community(model, depth: int = 0, seen: frozenset = frozenset()) -> bool:
    if model is Community:
        return True
    if depth > 4:
        return False
    for field in model._meta.get_fields():
        forward = field.is_relation and field.concrete and (field.many_to_one or field.one_to_one)
        target = getattr(field, "related_model", None)
        if (
            forward
            and target is not None
            and target not in seen
            and _path_to_community(target, depth + 1, seen | {model})
        ):
            return True
    return False


def scoped_models() -> set[str]:
    """Names of our models with a foreign-key path to Community."""
    return {
        model.__name__
        for model in apps.get_models()
        if model.__module__.split(".")[0] in OUR_APPS and _path_to_community(model)
    }


def _chain(node: ast.AST, parents: dict) -> list[ast.AST]:
    """The call chain `node` starts: X.objects.filter(...).select_related(...)...."""
    chain = [node]
    while (parent := parents.get(id(chain[-1]))) is not None and (
        (isinstance(parent, ast.Attribute) and parent.value is chain[-1])
        or (isinstance(parent, ast.Call) and parent.func is chain[-1])
    ):
        chain.append(parent)
    return chain


def _scopes(call: ast.Call) -> bool:
    return any(
        keyword.arg and SCOPING_KEYWORD.match(keyword.arg)
        and not isinstance(keyword.value, ast.Constant)
        for keyword in call.keywords
    )  # fmt: skip


def _is_scoped(chain: list[ast.AST], parents: dict) -> bool:
    for node in chain:
        if isinstance(node, ast.Attribute) and node.attr in SCOPED_METHODS:
            return True
        if isinstance(node, ast.Call) and _scopes(node):
            return True
    # The chain as an argument: get_object_or_404(<chain>, community=...), Prefetch(..., <chain>)
    outer = parents.get(id(chain[-1]))
    if isinstance(outer, ast.keyword):
        outer = parents.get(id(outer))
    if isinstance(outer, ast.Call):
        name = getattr(outer.func, "id", getattr(outer.func, "attr", ""))
        return name in NESTING_CALLS or _scopes(outer)
    return False


def unscoped_queries(source: str, models: set[str]) -> list[tuple[int, str]]:
    """(line, model) of every `<Model>.objects…` chain in `source` that is not scoped."""
    tree = ast.parse(source)
    parents = {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "objects"
            and isinstance(node.value, ast.Name)
            and node.value.id in models
            and not _is_scoped(_chain(node, parents), parents)
        ):
            found.append((node.lineno, node.value.id))
    return found


def guarded_modules() -> list[Path]:
    return [
        path
        for app in OUR_APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and GUARDED.search(str(path.relative_to(ROOT)))
    ]


def test_views_feeds_sections_and_digests_read_community_content_through_the_access_module():
    models = scoped_models()
    offenders, used_exceptions = [], set()
    for path in guarded_modules():
        name = str(path.relative_to(ROOT))
        for line, model in unscoped_queries(path.read_text(), models):
            if (name, model) in EXCEPTIONS:
                used_exceptions.add((name, model))
            else:
                offenders.append(f"{name}:{line}: {model}.objects without visible_to(user)")
    assert offenders == []
    assert set(EXCEPTIONS) - used_exceptions == set(), "EXCEPTIONS no longer needed"


def test_the_guard_knows_the_models_and_modules_it_guards():
    models = scoped_models()
    assert {"Community", "Thread", "Post", "Category", "BlogPostPage", "BlogComment"} <= models
    assert {"Bookmark", "PostImage", "Notification", "Membership"} <= models
    names = {str(path.relative_to(ROOT)) for path in guarded_modules()}
    assert {"forums/views/reading.py", "blogs/reading.py", "forums/feeds.py"} <= names
    assert {"communities/views.py", "forums/digest.py", "notifications/digests/for_you.py"} <= names


def test_the_guard_fails_on_a_module_that_reads_around_the_access_module():
    bad = (
        "def search(request, q):\n"
        "    threads = Thread.objects.filter(title__icontains=q)\n"
        "    post = Post.objects.get(pk=request.GET['post'])\n"
        "    return Thread.objects.visible_to(request.user), threads, post\n"
        "def mine(request, community):\n"
        "    return Category.objects.filter(community=community).order_by('position')\n"
    )
    assert unscoped_queries(bad, {"Thread", "Post", "Category"}) == [(2, "Thread"), (3, "Post")]
