"""Composing a person's digest from the sections' items (`digest_compose`: in order, each
item once, each section capped) and the e-mail that carries it (`digest_message`)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import css_inline

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, make_msgid
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import get_text_list
from django.utils.translation import gettext

from .. import unsubscribe
from ..models import EmailSettings
from .batch import DigestBatch
from .periods import zone_for
from .sections import DigestItem, digest_sections

TEMPLATE = "notifications/emails/digest"


@dataclass
class ShownSection:
    key: str
    heading: str
    items: list[DigestItem]
    total: int
    phrase: str
    more_url: str

    @property
    def more(self) -> int:
        return self.total - len(self.items)


@dataclass
class Digest:
    user: object
    period: str
    since: datetime
    until: datetime
    sections: list[ShownSection]
    communities: dict[int, str]  # every community with an item, shown or not

    @property
    def item_count(self) -> int:
        return sum(section.total for section in self.sections)

    @property
    def period_name(self) -> str:
        """ "daily" or "weekly", as an adjective in the reader's language ("Your daily digest")."""
        # Translators: as in "Your weekly digest".
        return gettext("weekly") if self.period == "weekly" else gettext("daily")

    @property
    def subject(self) -> str:
        """In the language active when it is read (the recipient's: see sending)."""
        listed = get_text_list([str(section.phrase) for section in self.sections], gettext("and"))
        weekly = self.period == "weekly"
        if len(self.communities) == 1:
            community = next(iter(self.communities.values()))
            subject = (
                gettext("Your weekly digest: %(items)s in %(community)s")
                if weekly
                else gettext("Your daily digest: %(items)s in %(community)s")
            )
            return subject % {"items": listed, "community": community}
        subject = (
            gettext("Your weekly digest: %(items)s")
            if weekly
            else gettext("Your daily digest: %(items)s")
        )
        return subject % {"items": listed}


@functools.cache
def _more_url(url_name: str) -> str:
    return settings.SITE_URL + reverse(url_name) if url_name else ""


def digest_compose(batch: DigestBatch, user, built: dict[str, dict[int, list]]) -> Digest | None:
    """Sections in order, each item once, each section capped. None when nothing is new."""
    seen: set[str] = set()
    shown = []
    communities: dict[int, str] = {}
    for section in digest_sections():
        items = [
            item for item in built.get(section.key, {}).get(user.pk, ()) if item.key not in seen
        ]
        if not items:
            continue
        seen.update(item.key for item in items)
        communities.update(
            (item.community_id, item.community_name) for item in items if item.community_id
        )
        shown.append(
            ShownSection(
                key=section.key,
                heading=section.heading,
                items=items[: section.limit],
                total=len(items),
                phrase=section.phrase(len(items)),
                more_url=_more_url(section.more_url_name),
            )
        )
    if not shown:
        return None
    return Digest(
        user=user,
        period=batch.period,
        since=batch.since[user.pk],
        until=batch.until,
        sections=shown,
        communities=communities,
    )


def _local_text(moment: datetime, zone: ZoneInfo) -> str:
    """ "Friday 4 December at 07:30", with the day and month in the reader's language."""
    local = moment.astimezone(zone)
    return gettext("%(day)s at %(time)s") % {
        "day": date_format(local, "l j F"),
        "time": date_format(local, "H:i"),
    }


def _message_id_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def _item_html(item: DigestItem) -> str:
    """One item's rows. Python rather than a template: a run renders a hundred thousand."""
    meta = format_html('<p class="meta">{}</p>', item.meta) if item.meta else ""
    excerpt = format_html('<p class="excerpt">{}</p>', item.excerpt) if item.excerpt else ""
    # Line breaks keep every line under 998 characters once styles are inlined, so the part
    # goes out as 8bit text rather than quoted-printable.
    return format_html(
        '<tr><td class="item">\n<p class="item-title"><a class="item-link" href="{}">{}</a></p>'
        "\n{}\n{}\n</td></tr>",
        item.url,
        item.title,
        meta,
        excerpt,
    )


def _item_text(item: DigestItem) -> str:
    lines = [f"* {item.title}"]
    if item.meta:
        lines.append(f"  {item.meta}")
    if item.excerpt:
        lines.append(f"  “{item.excerpt}”")
    lines.append(f"  {item.url}")
    return "\n".join(lines)


def _rendered_sections(digest: Digest, rendered: dict) -> list[dict]:
    """Each section with its items' HTML and text. Many people in a batch share an item, so
    each is rendered once per batch (`rendered`, by identity) and reused."""
    sections = []
    for section in digest.sections:
        parts = []
        for item in section.items:
            if id(item) not in rendered:
                rendered[id(item)] = (_item_html(item), _item_text(item))
            parts.append(rendered[id(item)])
        sections.append(
            {
                "section": section,
                "html": format_html_join("\n", "{}", ((html,) for html, _ in parts)),
                "text": "\n\n".join(text for _, text in parts),
            }
        )
    return sections


def digest_message(
    digest: Digest,
    email_settings: EmailSettings,
    *,
    html: bool = True,
    rendered: dict | None = None,
) -> EmailMultiAlternatives:
    """The e-mail. With html=False the HTML part is left in `message.digest_html`, not yet
    inlined or attached (`digest_batch_send` inlines a whole batch at once). `rendered`
    keeps items already rendered for others in the batch."""
    user = digest.user
    # One-click (RFC 8058) from the mail client turns every e-mail off: the digest gathers all
    # of them. The same link opened in a browser offers "less often" (weekly) first.
    unsubscribe_headers = unsubscribe.unsubscribe_headers(user.pk, "all")
    context = {
        "site_name": settings.COPSITE_SITE_NAME,
        "site_url": settings.SITE_URL,
        "person": user,
        "digest": digest,
        "sections": _rendered_sections(digest, {} if rendered is None else rendered),
        "subject": digest.subject,
        "since": _local_text(digest.since, zone_for(email_settings.time_zone)),
        "unsubscribe_url": unsubscribe_headers["List-Unsubscribe"].strip("<>"),
        "manage_url": unsubscribe.manage_url(user.pk),
    }
    headers = {
        "Message-ID": make_msgid("digest", domain=_message_id_domain()),
        "Auto-Submitted": "auto-generated",
        **unsubscribe_headers,
    }
    message = EmailMultiAlternatives(
        subject=digest.subject,
        body=render_to_string(f"{TEMPLATE}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        reply_to=[getattr(settings, "DEFAULT_REPLY_TO_EMAIL", settings.DEFAULT_FROM_EMAIL)],
        headers=headers,
    )
    message.digest_html = render_to_string(f"{TEMPLATE}.html", context)
    if html:
        attach_html([message])
    return message


_inliner = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)


def attach_html(messages: list[EmailMultiAlternatives]) -> None:
    """Inline the CSS of the HTML parts (Outlook ignores <style>), in parallel, and attach."""
    if not messages:
        return
    inlined = _inliner.inline_many([message.digest_html for message in messages])
    for message, html in zip(messages, inlined, strict=True):
        message.attach_alternative(html, "text/html")
        del message.digest_html
