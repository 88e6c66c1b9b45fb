"""The notification kinds the blog produces (see `notifications.kinds`).

A reply to a comment uses the shared `notifications.notification_kinds.REPLY` (the forum
tells people about replies too). Keys are stored in rows: never change one.
"""

from notifications.kinds import register_notification_kind
from notifications.notification_kinds import REPLY

__all__ = ["BLOG_COMMENT", "REPLY"]

BLOG_COMMENT = register_notification_kind(
    "blog_comment",
    label="Commented on your blog post",
    preference="replies",
    email_subject="{actor} commented on “{title}”",
)
