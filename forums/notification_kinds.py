"""The notification kinds the forum produces (see `notifications.kinds`).

Replies use the shared `notifications.notification_kinds.REPLY` (the blog tells people about
replies too). Keys are stored in rows: never change one.
"""

from django.utils.translation import gettext_lazy as _

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
    label=_("Mentioned you"),
    preference="mentions",
    # Translators: an e-mail subject; {actor} is a person's name and {title} a thread's title.
    email_subject=_("{actor} mentioned you in “{title}”"),
)
QUOTE = register_notification_kind(
    "quote",
    label=_("Quoted you"),
    preference="replies",
    # Translators: an e-mail subject; {actor} is a person's name and {title} a thread's title.
    email_subject=_("{actor} quoted you in “{title}”"),
)
WATCHED = register_notification_kind(
    "watched",
    label=_("New post in something you watch"),
    preference="watching",
    # Translators: an e-mail subject; {actor} is a person's name and {title} a thread's title.
    email_subject=_("New post in “{title}”"),
)
ANSWER = register_notification_kind(
    "answer",
    label=_("Your reply was accepted as the answer"),
    preference="my_posts_activity",
    # Translators: an e-mail subject; {actor} is a person's name and {title} a thread's title.
    email_subject=_("Your reply was accepted as the answer to “{title}”"),
)
REACTION = register_notification_kind(
    "reaction",
    label=_("Reacted to your post"),
    preference="my_posts_activity",
    # Translators: an e-mail subject; {actor} is a person's name and {title} a thread's title.
    email_subject=_("{actor} reacted to your post in “{title}”"),
    counts_people=True,
)
FLAG = register_notification_kind(
    "flag",
    label=_("A post was reported"),
    preference="facilitation",
    # Translators: an e-mail subject; {actor} is a person's name and {title} a thread's title.
    email_subject=_("A post was reported in “{title}”"),
    counts_people=True,
)
THREAD_MERGED = register_notification_kind(
    "thread_merged",
    label=_("Merged your thread into another"),
    preference="my_posts_activity",
    # Translators: an e-mail subject; {actor} is a person's name and {title} a thread's title.
    email_subject=_("{actor} merged your thread into “{title}”"),
)
