"""Queueing jobs after commit without making a page depend on the broker.

A write (a progress report, a 催办) is committed before its job is queued. If Redis is down the job
cannot be queued, but the write must stand and the page must answer: `queue` logs the failure and notes
it for the request (`noting_delays`), which then tells the user that background work is delayed. The
rows it concerns stay as they were (a reminder stays claimed) and the next reminder scan queues them
again (`tasks.services.reminders.requeue_unsent`).

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

logger = logging.getLogger(__name__)

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


def queue(job, *args: Any) -> bool:
    """Send `job(*args)` to the broker; False (logged, noted) when the broker cannot be reached."""
    try:
        job.apply_async(args=args, ignore_result=True, retry_policy=PUBLISH_RETRY_POLICY)
    except OperationalError:  # kombu's wrapper of the broker's connection errors
        logger.warning("could not queue %s%r: broker unavailable", job.name, args, exc_info=True)
        note = _note.get()
        if note is not None:
            note.delayed = True
        return False
    return True


def queue_after_commit(job, *args: Any) -> None:
    """Queue the job once the current transaction commits (nothing if it rolls back)."""
    transaction.on_commit(partial(queue, job, *args))
