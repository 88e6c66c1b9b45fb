"""The notification kinds communities produce (see `notifications.kinds`). Keys are stored in
rows: never change one."""

from django.utils.translation import gettext_lazy as _

from notifications.kinds import register_notification_kind

JOIN_REQUEST = register_notification_kind(
    "join_request",
    label=_("Someone asked to join"),
    preference="facilitation",
    email_subject=_("{actor} asked to join {title}"),
    counts_people=True,
)
# In-site only: the decision's e-mail is sent by communities.emails.
REQUEST_DECIDED = register_notification_kind(
    "request_decided", label=_("Your request to join was decided"), preference=None
)
