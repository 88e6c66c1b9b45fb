"""The notification kinds the forum produces (see `notifications.kinds`).

Replies use the shared `notifications.notification_kinds.REPLY` (the blog tells people about
replies too). Keys are stored in rows: never change one.
"""

from notifications.kinds import register_notification_kind
from notifications.notification_kinds import REPLY

__all__ = [
    "ANSWER",
    "FLAG",
    "MENTION",
    "QUOTE",
    "REACTION",
    "REPLY",
    "THREAD_MERGED",
    "WATCHED",
]

MENTION = register_notification_kind(
    "mention",
    label="Mentioned you",
    preference="mentions",
    email_subject="{actor} mentioned you in “{title}”",
)
QUOTE = register_notification_kind(
    "quote",
    label="Quoted you",
    preference="replies",
    email_subject="{actor} quoted you in “{title}”",
)
WATCHED = register_notification_kind(
    "watched",
    label="New post in something you watch",
    preference="watching",
    email_subject="New post in “{title}”",
)
ANSWER = register_notification_kind(
    "answer",
    label="Your reply was accepted as the answer",
    preference="my_posts_activity",
    email_subject="Your reply was accepted as the answer to “{title}”",
)
REACTION = register_notification_kind(
    "reaction",
    label="Reacted to your post",
    preference="my_posts_activity",
    email_subject="{actor} reacted to your post in “{title}”",
    counts_people=True,
)
FLAG = register_notification_kind(
    "flag",
    label="A post was reported",
    preference="facilitation",
    email_subject="A post was reported in “{title}”",
    counts_people=True,
)
THREAD_MERGED = register_notification_kind(
    "thread_merged",
    label="Merged your thread into another",
    preference="my_posts_activity",
    email_subject="{actor} merged your thread into “{title}”",
)
