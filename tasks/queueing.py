"""Queueing jobs after commit without making a page depend on the broker.

A write (a progress report, a 催办) is committed before its job is queued. If Redis is down the job
cannot be queued, but the write must stand and the page must answer: `queue` logs the failure and notes
it for the request (`noting_delays`), which then tells the user that background work is delayed. The
rows it concerns stay as they were (a reminder stays claimed) and the next reminder scan queues them
again (`tasks.reminders.services.sending.requeue_unsent`).

Jobs are queued by name (the constants below, which tasks/jobs.py registers its jobs under): services
never import tasks.jobs, which imports the services, and tasks/jobs.py is the only module of the app
that imports Celery. The name is looked up in the project's Celery app when the job is queued, so an
eager app (no Redis) still runs it in-process.

Results are not stored (`ignore_result`): waiting for a result backend that is down took ~20 s of
reconnects per job before failing the request.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import transaction
from kombu.exceptions import OperationalError

from reform.celery import app

logger = logging.getLogger(__name__)

# The jobs' names (tasks/jobs.py registers each under its constant; beat names them in reform/celery.py).
PING = "tasks.ping"
DELIVER_REMINDER = "tasks.deliver_reminder"
DELIVER_NOTICE = "tasks.deliver_notice"
SCAN_REMINDERS = "tasks.scan_reminders"
WARM_DASHBOARDS = "tasks.warm_dashboards"
BUILD_LEDGER = "tasks.build_ledger"
BUILD_BULLETIN = "tasks.build_bulletin"
BUILD_REPORT = "tasks.build_report"
BUILD_ALL_REPORTS = "tasks.build_all_reports"
BUILD_MONTHLY_REPORTS = "tasks.build_monthly_reports"
REMIND_LATE_REPORTS = "tasks.remind_late_reports"
CLOSE_PERIOD = "tasks.close_period"
CLOSE_DUE_PERIODS = "tasks.close_due_periods"

# A broker that refuses connections fails within a second instead of the default retries' few.
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


@dataclass
class DelayNote:
    """Whether a job of this request could not be queued."""

    delayed: bool = False


_note: ContextVar[DelayNote | None] = ContextVar("job_delay_note", default=None)


@contextmanager
def noting_delays() -> Iterator[DelayNote]:
    """Collect, for the block (one request's action), whether any job could not be queued."""
    note = DelayNote()
    token = _note.set(note)
    try:
        yield note
    finally:
        _note.reset(token)


def job(name: str):
    """The registered job of that name (KeyError for a name no jobs module registers)."""
    try:
        return app.tasks[name]
    except KeyError:
        # The jobs modules register when the app first imports its modules (autodiscovery, which a
        # worker does at start-up); a web process does it on its first job.
        app.loader.import_default_modules()
        return app.tasks[name]


def queue(name: str, *args: Any, countdown: float | None = None) -> bool:
    """Send job `name(*args)` to the broker; False (logged, noted) when the broker cannot be reached."""
    try:
        job(name).apply_async(
            args=args, ignore_result=True, retry_policy=PUBLISH_RETRY_POLICY, countdown=countdown
        )
    except OperationalError:  # kombu's wrapper of the broker's connection errors
        logger.warning("could not queue %s%r: broker unavailable", name, args, exc_info=True)
        note = _note.get()
        if note is not None:
            note.delayed = True
        return False
    return True


def queue_after_commit(name: str, *args: Any) -> None:
    """Queue job `name` once the current transaction commits (nothing if it rolls back)."""
    transaction.on_commit(partial(queue, name, *args))


def run_after_commit(name: str, *args: Any) -> None:
    """Run job `name` in this process once the transaction commits (`manage.py` commands' in-process mode)."""
    transaction.on_commit(partial(job(name).apply, args=list(args)))
