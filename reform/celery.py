"""The Celery app. Jobs live in each app's jobs.py ("task" means a reform task in this codebase)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform.settings")

app = Celery("reform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(related_name="jobs")
