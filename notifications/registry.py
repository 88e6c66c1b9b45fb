"""Each kind of e-mail registers a function that builds it from the outbox row's payload.

Building happens at send time, so a message reflects what is true then (for example, a
person removed from a community in between gets nothing about it).
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class EmailContent:
    subject: str
    template: str  # e.g. "communities/emails/request_approved" (+ .txt and .html)
    context: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)


Builder = Callable[[dict], EmailContent | None]
_builders: dict[str, Builder] = {}


def email_kind(name: str) -> Callable[[Builder], Builder]:
    """Register a builder. It returns None when the e-mail should no longer be sent."""

    def register(builder: Builder) -> Builder:
        _builders[name] = builder
        return builder

    return register


def builder_for(kind: str) -> Builder:
    return _builders[kind]
