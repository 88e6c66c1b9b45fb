from celery import shared_task

from . import services


@shared_task
def publish_scheduled_threads() -> int:
    return services.threads_publish_due()
