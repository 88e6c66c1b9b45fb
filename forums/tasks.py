from celery import shared_task

from .services import threads as thread_services


@shared_task
def publish_scheduled_threads() -> int:
    return thread_services.threads_publish_due()
