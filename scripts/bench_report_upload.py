"""Time the upload of a department's full report: checking the workbook, then applying every row.

Run against a scratch PostgreSQL database with generated data (the upload records progress there):

    export DATABASE_URL=postgres://reform@127.0.0.1:5432/reform_bench SECRET_KEY=x DASHBOARD_WARM=0
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py bootstrap
    .venv/bin/python manage.py generate_demo_data --tasks 20000
    .venv/bin/python scripts/bench_report_upload.py [--no-per-row]

The department with most tasks gets a report built for a period it has none of; every row of its
workbook (tasks not yet verified as completed) is filled with openpyxl: status, percent, narrative and
an actual value for each target. The upload is timed in two steps with their queries: the check
(`parse_upload`) and the apply (`apply_entries`, i.e. `record_progress_batch`). For comparison the same
entries are first applied the old way, `record_progress` row by row, in a transaction rolled back
afterwards, so both start from the same data. The report's file is built in a temporary MEDIA_ROOT.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform.settings")
os.environ.setdefault("DASHBOARD_WARM", "0")  # no Celery broker needed; the warm-up is not timed

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from regions.models import Department  # noqa: E402
from tasks.ledger.services.progress import record_progress  # noqa: E402
from tasks.models import Assignment, Report, Target, Task, TaskStatus  # noqa: E402
from tasks.reports.services.department import build_report  # noqa: E402
from tasks.reports.services.filling import apply_entries, parse_upload, require_filler  # noqa: E402
from tasks.workbooks import department_report as layout  # noqa: E402


def _busiest_department() -> Department:
    top = Assignment.objects.values("department_id").annotate(n=Count("task_id")).order_by("-n").first()
    if top is None:
        sys.exit("no tasks: generate data first (manage.py generate_demo_data --tasks 20000)")
    return Department.objects.get(pk=top["department_id"])


def _liaison(department: Department) -> User:
    user = User.objects.filter(role=Role.LIAISON, department=department, is_active=True).first()
    if user is None:
        user = User.objects.create_user(
            username=f"bench-liaison-{department.pk}", role=Role.LIAISON, department=department
        )
    return user


def _free_period(department: Department) -> str:
    used = set(Report.objects.filter(department=department).values_list("period", flat=True))
    for year in range(2026, 2000, -1):
        for month in range(12, 0, -1):
            if f"{year}-{month:02d}" not in used:
                return f"{year}-{month:02d}"
    sys.exit("no free period")


def _filled_workbook(report: Report) -> tuple[bytes, int]:
    """The report's workbook with every open task's row filled; the bytes and how many rows."""
    with report.file.open("rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()))
    sheet = workbook.worksheets[0]
    completed = set(Task.objects.filter(status=TaskStatus.COMPLETED).values_list("pk", flat=True))
    values = dict(Target.objects.values_list("pk", "value"))
    rows = 0
    for number in range(layout.FIRST_DATA_ROW, sheet.max_row + 1):
        task_id = sheet.cell(number, layout.COL_TASK_ID).value
        if not isinstance(task_id, int) or task_id in completed:
            continue
        rows += 1
        sheet.cell(number, layout.COL_STATUS, "In progress" if rows % 3 else "Not started")
        sheet.cell(number, layout.COL_PERCENT, rows % 101)
        sheet.cell(number, layout.COL_NARRATIVE, f"第{rows}项：已召开协调会，正在起草实施方案。")
        target_ids = str(sheet.cell(number, layout.COL_TARGET_IDS).value or "")
        for slot, part in enumerate(p for p in target_ids.split(",") if p.strip()):
            target = values.get(int(part))
            # Alternately meeting and missing the target value.
            actual = (target or Decimal(50)) + (1 if slot % 2 == 0 else -1)
            sheet.cell(number, layout.COL_FIRST_ACTUAL + slot, float(actual))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), rows


def _timed(function, slowest: int = 0):
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        result = function()
        seconds = time.perf_counter() - start
    for query in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:slowest]:
        print(f"  {float(query['time']):.3f} s  {query['sql'][:160]}")
    return result, seconds, len(queries)


def _apply_per_row(report: Report, user, entries) -> int:
    """The former apply_entries: record_progress once per entry."""
    tasks = Task.objects.in_bulk([entry.task_id for entry in entries])
    for entry in entries:
        record_progress(
            tasks[entry.task_id],
            user,
            status=entry.status,
            percent=entry.percent,
            narrative=entry.narrative,
            readings=entry.readings,
            report=report,
        )
    return len(entries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-per-row", action="store_true", help="skip the record_progress-per-row baseline")
    parser.add_argument("--slowest", type=int, default=0, help="print the N slowest queries of each step")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media, LANGUAGE_CODE="en"):
        department = _busiest_department()
        user = _liaison(department)
        report = Report.objects.create(
            kind=Report.Kind.DEPARTMENT,
            department=department,
            region=department.region,
            period=_free_period(department),
        )
        if build_report(report.pk) != Report.Status.DONE:
            sys.exit(f"the report was not built: {Report.objects.get(pk=report.pk).error}")
        report.refresh_from_db()
        content, rows = _filled_workbook(report)
        print(
            f"department {department} ({department.pk}), report {report.pk} {report.period}: {rows} rows filled"
        )

        def check():
            require_filler(user, report)
            return parse_upload(report, SimpleUploadedFile("filled.xlsx", content))

        entries, seconds, queries = _timed(check, args.slowest)
        print(f"check: {len(entries)} rows, {seconds:.2f} s, {queries} queries")

        if not args.no_per_row:

            def per_row():
                with transaction.atomic():
                    count = _apply_per_row(report, user, entries)
                    transaction.set_rollback(True)  # the batch below starts from the same data
                return count

            count, seconds, queries = _timed(per_row, args.slowest)
            print(
                f"apply, record_progress per row (rolled back): {count} rows, {seconds:.2f} s, {queries} queries"
            )

        count, seconds, queries = _timed(lambda: apply_entries(report, user, entries), args.slowest)
        print(f"apply, record_progress_batch: {count} rows, {seconds:.2f} s, {queries} queries")


if __name__ == "__main__":
    main()
