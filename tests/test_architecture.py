"""The layering contract of docs/architecture.md, read from that page and checked against every
import in our apps (module level or inside functions), so the map cannot drift from the code."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAP = ROOT / "docs" / "architecture.md"
OUR_PACKAGES = (
    "accounts", "blogs", "communities", "community_pages", "copsite", "facilitation", "forums",
    "notifications", "pages",
)  # fmt: skip


@dataclass(frozen=True)
class Contract:
    layer_of_prefix: dict[str, int]  # module prefix -> layer (0 = top)
    exceptions: dict[tuple[str, str], str]  # (importing module, imported app) -> reason

    def layer(self, module: str) -> tuple[str, int]:
        """The longest listed prefix of `module`, and its layer."""
        candidates = [p for p in self.layer_of_prefix if module == p or module.startswith(p + ".")]
        if not candidates:
            raise AssertionError(f"{module} is in no layer of docs/architecture.md")
        prefix = max(candidates, key=len)
        return prefix, self.layer_of_prefix[prefix]


def _block(text: str, name: str) -> list[str]:
    match = re.search(rf"```{name}\n(.*?)```", text, re.DOTALL)
    assert match, f"docs/architecture.md has no ```{name} block"
    return [line.strip() for line in match.group(1).splitlines() if line.strip()]


def read_contract(text: str) -> Contract:
    layers = {}
    for number, line in enumerate(_block(text, "layers")):
        _, members = line.split(":", 1)
        for prefix in members.split():
            layers[prefix] = number
    exceptions = {}
    for line in _block(text, "exceptions"):
        edge, reason = line.split(":", 1)
        importer, imported = (part.strip() for part in edge.split("->"))
        exceptions[(importer, imported)] = reason.strip()
    return Contract(layers, exceptions)


def imports_of(source: str) -> set[str]:
    """Absolute imports of our packages anywhere in `source` (relative ones stay in the app)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            # `from communities import permissions` imports communities.permissions; a class
            # (`from communities.models import Community`) resolves to its module's prefix.
            names = [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        found |= {name for name in names if name.split(".")[0] in OUR_PACKAGES}
    return found


def crossings(contract: Contract, modules: dict[str, str]) -> dict[tuple[str, str], str]:
    """{(importing module, imported part): what is wrong} for every import the layers forbid:
    into a layer above, or into a sibling app of the same layer. Within one app, a module may
    import its own layer and those below."""
    found = {}
    for module, source in modules.items():
        _, layer = contract.layer(module)
        for imported in imports_of(source):
            imported_prefix, imported_layer = contract.layer(imported)
            same_app = imported.split(".")[0] == module.split(".")[0]
            if imported_layer > layer or (same_app and imported_layer == layer):
                continue
            how = "a sibling" if imported_layer == layer else "a layer above"
            found[(module, imported_prefix)] = f"imports {imported} ({how})"
    return found


def our_modules() -> dict[str, str]:
    modules = {}
    for package in OUR_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            modules[name.removesuffix(".__init__")] = path.read_text()
    return modules


def test_no_import_crosses_the_layers_of_the_architecture_map():
    contract = read_contract(MAP.read_text())
    found = crossings(contract, our_modules())
    unlisted = sorted(f"{m} -> {app}: {why}" for (m, app), why in found.items()
                      if (m, app) not in contract.exceptions)  # fmt: skip
    assert not unlisted, "Imports that cross docs/architecture.md's layers:\n" + "\n".join(unlisted)
    stale = sorted(f"{m} -> {app}" for (m, app) in contract.exceptions if (m, app) not in found)
    assert not stale, "Known crossings that no longer cross (remove them):\n" + "\n".join(stale)


def test_every_module_of_ours_is_in_a_layer():
    contract = read_contract(MAP.read_text())
    for module in our_modules():
        contract.layer(module)


def test_the_contract_catches_a_lower_layer_importing_a_higher_one():
    contract = read_contract(MAP.read_text())
    bad = {
        "communities.permissions": "from forums.models import Thread\n",
        "forums.views.reading": "def f():\n    from blogs.models import BlogPostPage\n",
        "copsite.markup": "import communities.models\n",
        "community_pages.models": "from notifications.models import Notification\n",
        # The outbox may read the access module, never the communities' own services.
        "notifications.views": "from communities import services\n",
    }
    found = crossings(contract, bad)
    assert set(found) == {
        ("communities.permissions", "forums"),
        ("forums.views.reading", "blogs"),
        ("copsite.markup", "communities.models"),
        ("community_pages.models", "notifications"),
        ("notifications.views", "communities"),
    }
    assert "a layer above" in found[("communities.permissions", "forums")]
    assert "a sibling" in found[("forums.views.reading", "blogs")]
    allowed = {
        "forums.views.reading": "from communities import permissions\n",
        "notifications.views": "from communities.permissions import can_read\n",
        "communities.services": "from notifications.services import email_queue\n",
    }
    assert crossings(contract, allowed) == {}
