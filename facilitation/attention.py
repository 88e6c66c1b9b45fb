"""What wants a facilitator's attention: a registry of providers, one per kind of thing waiting.

Each app that owns something a facilitator should look at registers a provider in its
`AppConfig.ready()`: the forum (threads nobody answered, reported posts, a community gone quiet),
facilitation itself (join requests waiting, new members nobody has welcomed), and later the
wiki (pages due for review) or events (waiting lists), without editing facilitation.

    attention_providers.register(AttentionProvider(
        key="unanswered", order=10, collect=unanswered_threads,
        empty={"unanswered": [], "unanswered_total": 0},
        page_template="forums/facilitation/unanswered.html",
        email_template="forums/facilitation/unanswered_email.html",
        text_template="forums/facilitation/unanswered.txt",
    ))

Invariants every provider keeps:

- `collect(communities, now)` answers for all the communities at once in a fixed number of
  queries (one or two), however many communities or items there are. `communities` is a
  queryset the caller chose through the access module; use it as a subquery
  (`community_id__in=communities.order_by().values("pk")`), never per community.
- It returns `{community id: Attention}`, leaving out communities where nothing waits.
  `Attention.count` is how many things there are to look at (a quiet community counts as one);
  `Attention.fields` are the values its templates read as `item.<field>`.
- `empty` names every field the provider sets, with its value where nothing waits, so reading
  `item.<field>` works in every community. Field names are unique across providers (a test
  checks). Values are copied per community, so a list there is never shared.
- Its templates render one section of the facilitation page, of the daily e-mail's HTML part
  and of its plain-text part, and are only rendered when its count is above zero. They get
  `item` (the community's `facilitation.nudges.CommunityNudges`), `site_url`, `dashboard_url`
  and every provider's `context` (page-wide values such as `unanswered_hours`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from copsite.registry import Registry

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from communities.models import Community


@dataclass(frozen=True)
class Attention:
    """What one provider found waiting in one community."""

    count: int  # things to look at; the community's total is the sum over providers
    fields: Mapping[str, Any]  # read by the provider's templates as `item.<field>`


Collect = Callable[["QuerySet[Community]", datetime], Mapping[int, Attention]]


@dataclass(frozen=True)
class AttentionProvider:
    """One kind of thing that wants a facilitator's attention (see the module's invariants)."""

    key: str
    order: int
    collect: Collect
    empty: Mapping[str, Any]
    page_template: Any  # a template name, or anything `{% include %}` can render
    email_template: Any
    text_template: Any
    context: Mapping[str, Any] = field(default_factory=dict)


attention_providers: Registry[AttentionProvider] = Registry("needs-attention provider")


def providers_context() -> dict[str, Any]:
    """Every provider's page-wide values (for the page's and the e-mail's texts)."""
    context: dict[str, Any] = {}
    for provider in attention_providers:
        context.update(provider.context)
    return context
