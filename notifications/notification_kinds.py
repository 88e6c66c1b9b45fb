"""Notification kinds shared by several apps, so they belong to none of them.

REPLY ("Replied to you") is produced by the forum (a reply in your thread) and the blog (a
reply to your comment), and any later app with conversations (wiki talk pages, event
comments) will want it too. Owning it in the forum would make the blog import the forum, which
it does not otherwise depend on; here, every app that tells people about replies imports it
from the layer they all already build on. Kinds only one app produces live with that app.
"""

from django.utils.translation import gettext_lazy as _

from .kinds import register_notification_kind

REPLY = register_notification_kind(
    "reply",
    label=_("Replied to you"),
    preference="replies",
    email_subject=_("{actor} replied to “{title}”"),
)
