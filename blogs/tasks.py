import logging

from celery import shared_task

from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from wagtail.models import DraftStateMixin, Page, Revision

logger = logging.getLogger(__name__)


@shared_task
def publish_scheduled_pages() -> int:
    """Wagtail's `publish_scheduled`, one page at a time: unpublish pages whose expiry has come,
    publish revisions whose go-live time has come. Run by Celery beat every minute
    (CELERY_BEAT_SCHEDULE in the settings' Blogs section).

    A revision that no longer passes the page's validation (say its picture moved to another
    community's library after it was scheduled) has its schedule cancelled and is logged,
    rather than failing the whole run every minute and holding up every post behind it; it
    stays a draft in the editor. Returns how many revisions were published."""
    now = timezone.now()
    for model in _draft_state_models():
        for expired in model.objects.filter(live=True, expire_at__lt=now).order_by("expire_at"):
            expired.unpublish(set_expired=True, log_action="wagtail.unpublish.scheduled")
    published = 0
    due = Revision.objects.filter(approved_go_live_at__lt=now).order_by("approved_go_live_at")
    for revision in due:
        try:
            revision.publish(log_action="wagtail.publish.scheduled")
        except ValidationError as error:
            Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=None)
            logger.warning(
                "Scheduled revision %s of page %s was not published and is no longer scheduled: %s",
                revision.pk,
                revision.object_id,
                error,
            )
        else:
            published += 1
    return published


def _draft_state_models() -> list:
    """Pages and any other models with drafts and schedules, as Wagtail's command finds them."""
    others = [
        model
        for model in apps.get_models()
        if issubclass(model, DraftStateMixin) and not issubclass(model, Page)
    ]
    return [Page, *others]
