"""Celery jobs of the ledger. Thin: take ids, call services."""

import datetime
import smtplib

from celery import shared_task
from django.utils import timezone

from tasks import queueing
from tasks.dashboard.services import cache as dashboard_cache
from tasks.models import Task
from tasks.notices.services import delivery as notice_delivery
from tasks.periods.services import closing as period_closing
from tasks.reminders.services import escalation
from tasks.reminders.services import scan as reminder_scan
from tasks.reminders.services import sending as reminders
from tasks.reports.services import batch as report_batch
from tasks.reports.services import bulletin
from tasks.reports.services import department as department_reports
from tasks.reports.services import ledger as ledger_export
from tasks.reports.services import workflow as report_workflow

# Worth another try: the mail server or the network, not the message.
TRANSIENT_MAIL_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError)


@shared_task(name=queueing.PING)
def ping(payload: str = "ping") -> dict:
    """Health check: proves a worker is consuming and can reach the database."""
    return {"echo": payload, "tasks": Task.objects.count()}


@shared_task(
    bind=True,
    name=queueing.DELIVER_REMINDER,
    autoretry_for=TRANSIENT_MAIL_ERRORS,
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=5,
)
def deliver_reminder(self, reminder_id: int) -> str:
    """Email one claimed reminder (manual, scheduled or digest); safe to run again."""
    try:
        return reminders.deliver(reminder_id)
    except TRANSIENT_MAIL_ERRORS as exc:
        # Back to claimed so that the retry may send it; failed once the retries are used up.
        reminders.release(reminder_id, repr(exc), final=self.request.retries >= self.max_retries)
        raise
    except Exception as exc:
        reminders.release(reminder_id, repr(exc), final=True)
        raise


@shared_task(
    bind=True,
    name=queueing.DELIVER_NOTICE,
    acks_late=True,
    max_retries=5,
)
def deliver_notice(self, delivery_id: int) -> str:
    """Send one delivery of an event (email or group robot); claimed first, so safe to run again."""
    try:
        return notice_delivery.deliver(delivery_id)
    except (notice_delivery.TransientError, *TRANSIENT_MAIL_ERRORS) as exc:
        final = self.request.retries >= self.max_retries
        notice_delivery.release(delivery_id, str(exc) or repr(exc), final=final)
        if final:
            return "failed"
        # Back off: 30 s, 60 s, 120 s … (countdown), so that a far side that is down gets time.
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc
    except Exception as exc:
        notice_delivery.release(delivery_id, str(exc) or repr(exc), final=True)
        raise


# Safe to repeat (every digest is claimed before it is sent), so a worker lost mid-scan leaves the job
# on the queue for another.
@shared_task(name=queueing.SCAN_REMINDERS, acks_late=True)
def scan_reminders(today: str | None = None) -> dict:
    """The daily reminder scan for `today` (YYYY-MM-DD, default the local date); nothing on a day off."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    summary = reminder_scan.scan_reminders(day).summary()
    # After the digests: the day's first overdue notices are what the ladder counts from.
    summary["escalation"] = escalation.escalate_overdue(day)
    # Reminders whose job never reached the broker (Redis down when they were claimed) go out now.
    reminders.requeue_unsent()
    # Deliveries a killed worker left sending are failed for office staff to see (never resent on
    # their own: they may have gone out); those whose job was lost are queued again.
    notice_delivery.sweep_interrupted()
    notice_delivery.requeue_stalled()
    return summary


# Safe to repeat: it computes only what the cache lacks.
@shared_task(name=queueing.WARM_DASHBOARDS, acks_late=True)
def warm_dashboards() -> list[str]:
    """Recompute the recently viewed dashboards after a write (tasks/dashboard/services/cache.py)."""
    return dashboard_cache.warm_dashboards()


# Safe to repeat: a build claims its Report row (queued or running -> running) and stores the file only
# once complete, so a worker lost mid-build leaves the job on the queue for another.
@shared_task(name=queueing.BUILD_LEDGER, acks_late=True)
def build_ledger(report_id: int) -> str:
    """Build an office ledger (台账 and 通报) queued by request_ledger; the Report's final status."""
    return ledger_export.build_ledger(report_id)


# Safe to repeat, as the ledger's build: the Report row is claimed and the file stored once complete.
@shared_task(name=queueing.BUILD_BULLETIN, acks_late=True)
def build_bulletin(report_id: int) -> str:
    """Build a 通报 (a Word document) queued by request_bulletin; the Report's final status."""
    return bulletin.build_bulletin(report_id)


# Safe to repeat: a build claims its Report row (queued or running -> running) and stores the file only
# once complete.
@shared_task(name=queueing.BUILD_REPORT, acks_late=True)
def build_report(report_id: int) -> str:
    """Build a department report queued by request_department_report or the monthly build; its status."""
    return department_reports.build_report(report_id)


# Safe to repeat: the batch is claimed (queued or running -> running) and each report is built once.
@shared_task(name=queueing.BUILD_ALL_REPORTS, acks_late=True)
def build_all_reports(batch_id: int) -> str:
    """「全部生成」: every department's report of a period in a region, one progress bar; its status."""
    return report_batch.build_all_reports(batch_id)


# Daily on beat; does something only on the first working day of a month. Safe to repeat: a
# department's report for the period is one row (a constraint), so a re-run queues nothing more.
@shared_task(name=queueing.BUILD_MONTHLY_REPORTS, acks_late=True)
def build_monthly_reports(today: str | None = None) -> dict:
    """Queue last month's report of every department with tasks, on the first working day (YYYY-MM-DD)."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return department_reports.build_monthly_reports(day)


# Safe to repeat: each reminder is claimed per recipient, kind and day before it is sent.
@shared_task(name=queueing.REMIND_LATE_REPORTS, acks_late=True)
def remind_late_reports(today: str | None = None) -> dict:
    """Remind the liaisons of departments late with last month's report, once a day (YYYY-MM-DD)."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return report_workflow.remind_late_reports(day)


# Safe to repeat: a closing claims its row (queued or running -> running), and a row already written is
# skipped, so a worker lost mid-closing leaves the job on the queue for another.
@shared_task(name=queueing.CLOSE_PERIOD, acks_late=True)
def close_period(closing_id: int) -> str:
    """Close a reporting period for a region (the snapshot), queued by request_close; its status."""
    return period_closing.close_period(closing_id)


# Daily on beat; does something only on the close day (PERIOD_CLOSE_WORKDAY). Safe to repeat: a period
# is closed once per region (a constraint), so a re-run queues nothing more.
@shared_task(name=queueing.CLOSE_DUE_PERIODS, acks_late=True)
def close_due_periods(today: str | None = None) -> dict:
    """Close last month for every region with tasks, on the close day (YYYY-MM-DD)."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return period_closing.close_due_periods(day)
