"""Closing a reporting period for a region: the request, the job and the compact snapshot it writes.

`request_close` checks everything (role, region, a period that is over, not closed yet, closed in
order) and creates the `PeriodClosing` row, whose job (`tasks.close_period`) runs `close_period`: it
claims the row, walks the region's tasks (its TaskScope) `CHUNK_SIZE` at a time from one cursor and,
per chunk, computes each task's row as of the period's end and bulk-inserts only the rows that differ
from the task's state at the region's previous closed period; then tombstones for the tasks that
left the scope, the departments' ranking figures, and done. Memory holds one chunk.

Each chunk commits on its own, so the progress shows; a closing that fails keeps the rows it wrote
(they are immutable) and a retry (`request_close` again) writes the rest: a row already there is
skipped (the unique index, `ignore_conflicts`).
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Case, Min, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reform import workdays
from regions.models import Region
from tasks.access import NotPermitted, require_period_closer, scope_of
from tasks.ledger.lights import Thresholds, compute_light
from tasks.models import Deadline, DepartmentSnapshot, PeriodClosing, TaskScope, TaskSnapshot, TaskStatus
from tasks.models.ledger import CLOSED_STATUSES, completed_late_q
from tasks.periods.services.changes import LATE_REPORTS
from tasks.periods.services.snapshots import latest_rows, previous_closing, state_as_of
from tasks.queueing import CLOSE_PERIOD, queue_after_commit
from tasks.reports.services.ledger import ranking_for, scope_tasks
from tasks.reports.services.periods import build_date, parse_period, period_bounds, period_of, previous_period
from tasks.rows import CHUNK_SIZE, among, chunks, department_names, load_parts

logger = logging.getLogger(__name__)

__all__ = [
    "COMPARED",
    "close_day",
    "close_due_periods",
    "close_period",
    "is_close_day",
    "request_close",
]

# The columns of a task's row that make it "changed" (everything but the bookkeeping).
COMPARED = (
    "removed",
    "label",
    "text",
    "lead_departments",
    "status",
    "percent",
    "due_on",
    "next_due_on",
    "overdue",
    "completed_late",
    "light",
    "light_label",
    "targets",
)
_UNFINISHED = (PeriodClosing.Status.QUEUED, PeriodClosing.Status.RUNNING)

Progress = Callable[[int, int], None]


# When ------------------------------------------------------------------------------------------


def close_day(period: str) -> datetime.date:
    """The working day a period closes by itself: the PERIOD_CLOSE_WORKDAY-th of the following month."""
    return workdays.add_workdays(build_date(period), max(settings.PERIOD_CLOSE_WORKDAY, 1) - 1)


def is_close_day(day: datetime.date) -> bool:
    """Whether last month closes on `day` (the daily beat job does nothing on other days)."""
    return day == close_day(previous_period(day))


# The request -----------------------------------------------------------------------------------


def _check_region(user, region: Region) -> None:
    """Office staff close their own region's periods (superusers any): a region they oversee but is
    not theirs is refused (403), one outside their scope is not found."""
    require_period_closer(user)
    scope = scope_of(user)
    if scope.everything or region.pk == user.region_id:
        return
    if Region.objects.subtree(user.region_id).filter(pk=region.pk).exists():
        raise NotPermitted(
            _("Only the office of %(region)s may close its periods.") % {"region": region.name}
        )
    raise Region.DoesNotExist(_("No such region."))


def _check_closable(region: Region, period: str, today: datetime.date) -> PeriodClosing | None:
    """A ValidationError unless `period` may be closed now; the failed closing to retry, if any."""
    parse_period(period)
    first, _last = period_bounds(period)
    if first >= today.replace(day=1):
        raise ValidationError(
            _("%(period)s is not over yet: only a past month can be closed (the current month is %(now)s).")
            % {"period": period, "now": period_of(today)},
            code="period",
        )
    retry = None
    for other in PeriodClosing.objects.filter(region=region).exclude(period__lt=period).order_by("period"):
        if other.period == period and other.status == PeriodClosing.Status.FAILED:
            retry = other
        elif other.period == period:
            raise ValidationError(
                _("%(period)s is already closed for %(region)s (%(status)s).")
                % {"period": period, "region": region.name, "status": other.get_status_display()},
                code="closed",
            )
        else:
            raise ValidationError(
                _("Periods close in order: %(later)s is already closed for %(region)s.")
                % {"later": other.period, "region": region.name},
                code="order",
            )
    unfinished = (
        PeriodClosing.objects.filter(region=region, period__lt=period)
        .exclude(status=PeriodClosing.Status.DONE)
        .first()
    )
    if unfinished is not None:
        raise ValidationError(
            _("The closing of %(period)s has not finished (%(status)s); close it first.")
            % {"period": unfinished.period, "status": unfinished.get_status_display()},
            code="order",
        )
    return retry


def request_close(region: Region, user, period: str, *, today: datetime.date | None = None) -> PeriodClosing:
    """Create (or queue again after a failure) the closing of `period` for `region`; the job runs after
    commit. `user` None is the automatic closing. Refusals write nothing: NotPermitted (role, or a
    region that is not the user's), Region.DoesNotExist (outside the user's scope), ValidationError
    (not a period, not over, already closed, out of order)."""
    if user is not None:
        _check_region(user, region)
    today = today or timezone.localdate()
    with transaction.atomic():
        # One request at a time per region, so that two cannot both pass the checks.
        Region.objects.select_for_update().filter(pk=region.pk).first()
        retry = _check_closable(region, period, today)
        if retry is not None:
            retry.status, retry.progress, retry.error = PeriodClosing.Status.QUEUED, 0, ""
            retry.requested_by = user
            retry.save(update_fields=["status", "progress", "error", "requested_by"])
            closing = retry
        else:
            closing = PeriodClosing.objects.create(region=region, period=period, requested_by=user)
        queue_after_commit(CLOSE_PERIOD, closing.pk)
    return closing


def close_due_periods(today: datetime.date) -> dict:
    """On the close day, close last month for every region with tasks that has not closed it."""
    if not is_close_day(today):
        return {"closed": 0, "skipped": "not the close day"}
    period = previous_period(today)
    queued = 0
    region_ids = TaskScope.objects.order_by().values_list("region_id", flat=True).distinct()
    for region in Region.objects.filter(pk__in=region_ids).order_by("pk"):
        try:
            request_close(region, None, period, today=today)
        except ValidationError as error:
            logger.info("period %s not closed for %s: %s", period, region.code, error.messages)
            continue
        queued += 1
    return {"closed": queued, "period": period}


# The job ---------------------------------------------------------------------------------------


def close_period(closing_id: int, *, progress_every: Progress | None = None) -> str:
    """Run a queued closing: claim it, write the snapshot, mark it done; its status.

    A closing already done (a repeated job) is left as it is. Any exception marks it failed with the
    error (logged); the rows already written stay and a retry completes them.
    """
    claimed = PeriodClosing.objects.filter(pk=closing_id, status__in=_UNFINISHED).update(
        status=PeriodClosing.Status.RUNNING, progress=0, error=""
    )
    closing = PeriodClosing.objects.select_related("region").get(pk=closing_id)
    if not claimed:
        return closing.status

    def progress(done: int, total: int) -> None:
        percent = min(99, done * 100 // total) if total else 99
        PeriodClosing.objects.filter(pk=closing_id).update(progress=percent)
        if progress_every is not None:
            progress_every(done, total)

    try:
        # Labels (statuses, lights) are stored in the portal's language, as notices are.
        with translation.override(settings.LANGUAGE_CODE):
            total = _write_snapshot(closing, progress)
    except Exception as exc:
        logger.exception("closing %s of %s failed", closing.period, closing.region_id)
        PeriodClosing.objects.filter(pk=closing_id).update(
            status=PeriodClosing.Status.FAILED, error=str(exc)[:2000] or repr(exc)
        )
        return PeriodClosing.Status.FAILED
    if progress_every is not None:
        progress_every(total, total)
    return PeriodClosing.Status.DONE


def _write_snapshot(closing: PeriodClosing, progress: Progress) -> int:
    region, period = closing.region, closing.period
    _first, last = period_bounds(period)
    previous = previous_closing(closing)
    tasks = scope_tasks(region)
    total = tasks.count()
    thresholds = Thresholds.from_settings()
    closed = set(CLOSED_STATUSES)
    cursor = (
        tasks.annotate(
            starts_on=Coalesce("document__issued_on", TruncDate("created_at")),
            completed_late=Case(When(completed_late_q(), then=Value(True)), default=Value(False)),
        )
        .order_by("pk")
        .values_list("pk", "label", "text", "status", "progress", "due_on", "starts_on", "completed_late")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    done = 0
    # period_changes' counts, counted as the rows are written (its lists would hold every changed row).
    counts = dict.fromkeys(("newly_completed", "newly_overdue", "progress_changed", "reports_late"), 0)
    for chunk in chunks(cursor, CHUNK_SIZE):
        ids = [row[0] for row in chunk]
        parts = load_parts(ids, assignments=True, targets=("pk", "text", "unit", "latest_actual", "attained"))
        next_due = dict(
            Deadline.objects.filter(among("task_id", ids), kind=Deadline.Kind.DATE, due_on__gte=last)
            .order_by()
            .values("task_id")
            .annotate(first=Min("due_on"))
            .values_list("task_id", "first")
        )
        before = _before(region.pk, previous, ids)
        rows = []
        for task_id, label, text, status, percent, due_on, starts_on, late in chunk:
            light = compute_light(
                completed_late=late,
                status=status,
                progress=percent,
                due_on=due_on,
                next_due_on=next_due.get(task_id),
                starts_on=starts_on,
                today=last,
                thresholds=thresholds,
            )
            values = {
                "removed": False,
                "label": label,
                "text": text,
                "lead_departments": list(department_names(parts.assignments.get(task_id, ()))[0]),
                "status": status,
                "percent": percent,
                "due_on": due_on,
                "next_due_on": next_due.get(task_id),
                "overdue": due_on is not None and due_on < last and status not in closed,
                "completed_late": bool(late),
                "light": str(light.colour.value),
                "light_label": str(light.label),
                "targets": [
                    [pk, text_, unit, None if actual is None else str(actual), attained]
                    for pk, text_, unit, actual, attained in parts.targets.get(task_id, ())
                ],
            }
            compared = tuple(values[name] for name in COMPARED)
            if (then := before.get(task_id)) != compared:
                rows.append((closing.pk, region.pk, period, task_id, *compared))
                _count_change(counts, then, compared)
        with transaction.atomic():
            insert_rows(rows)
        done += len(chunk)
        progress(done, total)

    with transaction.atomic():
        _write_tombstones(closing, previous)
        counts["reports_late"] = _write_departments(closing, last)
        written = TaskSnapshot.objects.filter(closing=closing)
        PeriodClosing.objects.filter(pk=closing.pk).update(
            status=PeriodClosing.Status.DONE,
            progress=100,
            tasks_total=total,
            rows_written=written.count(),
            tombstones=written.filter(removed=True).count(),
            closed_at=timezone.now(),
            change_counts=counts,
        )
    return total


_STATUS, _PERCENT, _OVERDUE = (COMPARED.index(name) for name in ("status", "percent", "overdue"))


def _count_change(counts: dict[str, int], then: tuple | None, now: tuple) -> None:
    """Count a written row as period_changes classifies it (changes.py: the same rules)."""
    if then is None or then[0]:  # no row then, or a tombstone: nothing to compare with
        status_then, percent_then, overdue_then = None, None, False
    else:
        status_then, percent_then, overdue_then = then[_STATUS], then[_PERCENT], then[_OVERDUE]
    if now[_STATUS] == TaskStatus.COMPLETED and status_then != TaskStatus.COMPLETED:
        counts["newly_completed"] += 1
    if now[_OVERDUE] and not overdue_then:
        counts["newly_overdue"] += 1
    if percent_then is not None and now[_PERCENT] != percent_then:
        counts["progress_changed"] += 1


# The columns a snapshot row is written with (its id is the table's own).
_INSERTED = ("closing_id", "region_id", "period", "task_id", *COMPARED)


def insert_rows(rows: list[tuple]) -> None:
    """Insert snapshot rows (tuples in `_INSERTED` order), skipping any already there (a retried
    closing). On PostgreSQL through COPY into a temporary table and one INSERT … ON CONFLICT DO
    NOTHING, from plain tuples: Django's bulk_create spent a second per 1,000 rows preparing its
    parameters one by one, and model instances as long again."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        TaskSnapshot.objects.bulk_create(
            [TaskSnapshot(**dict(zip(_INSERTED, row, strict=True))) for row in rows],
            batch_size=500,
            ignore_conflicts=True,
        )
        return
    columns = ", ".join(_INSERTED)  # constant column names, never input
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS period_snapshot_load ON COMMIT DELETE ROWS AS "  # nosec B608
            f"SELECT {columns} FROM tasks_tasksnapshot WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY period_snapshot_load ({columns}) FROM STDIN") as copy:  # nosec B608
            for row in rows:
                copy.write_row(
                    [
                        json.dumps(value, ensure_ascii=False) if i in _JSON else value
                        for i, value in enumerate(row)
                    ]
                )
        cursor.execute(
            f"INSERT INTO tasks_tasksnapshot ({columns}) SELECT {columns} FROM period_snapshot_load "  # nosec B608
            "ON CONFLICT DO NOTHING"
        )
        cursor.execute("TRUNCATE period_snapshot_load")


# Positions of the JSON columns in a row (written as JSON text by COPY).
_JSON = frozenset(_INSERTED.index(name) for name in ("lead_departments", "targets"))


def _before(region_id: int, previous: PeriodClosing | None, ids: list[int]) -> dict[int, tuple]:
    """Each task's compared columns at the previous closed period (absent: no row then)."""
    if previous is None:
        return {}
    return {
        row[0]: tuple(row[1:])
        for row in latest_rows(region_id, previous.period, ids).values_list("task_id", *COMPARED)
    }


def _write_tombstones(closing: PeriodClosing, previous: PeriodClosing | None) -> None:
    """A row `removed` for each task in the previous state that is no longer in the region's scope."""
    if previous is None:
        return
    gone = (
        state_as_of(closing.region_id, previous.period)
        .exclude(task_id__in=TaskScope.objects.filter(region_id=closing.region_id).values("task_id"))
        .values_list("task_id", "label", "text", "lead_departments")
    )
    rows: Iterable[TaskSnapshot] = (
        TaskSnapshot(
            closing=closing,
            region_id=closing.region_id,
            period=closing.period,
            task_id=task_id,
            removed=True,
            label=label,
            text=text,
            lead_departments=leads,
        )
        for task_id, label, text, leads in gone.iterator(chunk_size=CHUNK_SIZE)
    )
    for batch in chunks(rows, CHUNK_SIZE):
        TaskSnapshot.objects.bulk_create(batch, ignore_conflicts=True)


def _write_departments(closing: PeriodClosing, last: datetime.date) -> int:
    """The ranking's figures per department, overdue counted on the period's last day; the number of
    departments whose report was late or not handed in."""
    ranking = ranking_for(closing.region, today=last, period=closing.period)
    DepartmentSnapshot.objects.bulk_create(
        [
            DepartmentSnapshot(
                closing=closing,
                department_id=row.department_id,
                name=row.department,
                region_name=row.region or "",
                lead_tasks=row.lead_tasks,
                all_tasks=row.all_tasks,
                completed=row.completed,
                completed_with_due=row.completed_with_due,
                completed_on_time=row.completed_on_time,
                overdue=row.overdue,
                report=str(row.report),
                report_submitted_on=row.report_submitted_on,
            )
            for row in ranking.departments
        ],
        ignore_conflicts=True,
    )
    return sum(1 for row in ranking.departments if str(row.report) in LATE_REPORTS)
