"""The Celery app and its beat schedule. Jobs live in each app's jobs.py ("task" means a reform task here)."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform.settings")

app = Celery("reform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(related_name="jobs")


def beat_schedule(settings) -> dict:
    """The one schedule of periodic jobs, in CELERY_TIMEZONE (Asia/Shanghai), from the settings.

    Beat fires every day; the jobs themselves skip days off (reform/workdays.py), because crontab
    knows nothing of public holidays or 调休 make-up Saturdays.
    """
    return {
        "reminder-scan-every-working-day": {
            "task": "tasks.scan_reminders",
            "schedule": crontab(hour=settings.REMINDER_SCAN_HOUR, minute=settings.REMINDER_SCAN_MINUTE),
        },
        # Departments late with last month's report, reminded with the daily scan.
        "late-report-reminders-every-working-day": {
            "task": "tasks.remind_late_reports",
            "schedule": crontab(hour=settings.REMINDER_SCAN_HOUR, minute=settings.REMINDER_SCAN_MINUTE),
        },
        # Daily; the job builds only on the first working day of a month (report_periods.is_build_day).
        "monthly-report-build-first-working-day": {
            "task": "tasks.build_monthly_reports",
            "schedule": crontab(hour=settings.REPORT_BUILD_HOUR, minute=settings.REPORT_BUILD_MINUTE),
        },
        # Daily; the job closes last month only on its close day (periods' is_close_day).
        "period-close-working-day": {
            "task": "tasks.close_due_periods",
            "schedule": crontab(hour=settings.PERIOD_CLOSE_HOUR, minute=settings.PERIOD_CLOSE_MINUTE),
        },
    }


@app.on_after_configure.connect
def _set_beat_schedule(sender, **kwargs) -> None:
    # Settings are read once Celery configures itself, not at import, when Django may not be set up.
    from django.conf import settings

    sender.conf.beat_schedule = beat_schedule(settings)
