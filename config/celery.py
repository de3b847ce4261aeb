"""The Celery app; used only when CELERY_BROKER_URL is set."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("city_events")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
