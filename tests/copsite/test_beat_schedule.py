"""Beat sends tasks by name: every scheduled name must be a task the workers know."""

from django.conf import settings

from copsite.celery import app


def test_every_scheduled_task_is_registered_under_its_name():
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled - set(app.tasks) == set()
