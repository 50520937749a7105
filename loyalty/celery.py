"""The Celery application.

Without ``CELERY_BROKER_URL`` (or ``REDIS_URL``) the settings make Celery run tasks eagerly, in process, so the
site works with no services at all. Tasks are thin: they take ids and dates and call one service.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loyalty.settings.local")

app = Celery("loyalty")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
