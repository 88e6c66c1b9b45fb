"""The notification kinds the blog produces (see `notifications.kinds`).

A reply to a comment uses the shared `notifications.notification_kinds.REPLY` (the forum
tells people about replies too). Keys are stored in rows: never change one.
"""

from django.utils.translation import gettext_lazy as _

from notifications.kinds import register_notification_kind
from notifications.notification_kinds import REPLY

__all__ = ["BLOG_COMMENT", "REPLY"]

BLOG_COMMENT = register_notification_kind(
    "blog_comment",
    label=_("Commented on your blog post"),
    preference="replies",
    email_subject=_("{actor} commented on “{title}”"),
)
