"""Time closing a reporting period (tasks/periods) on a large ledger, and the "as of" page after it.

Run against a PostgreSQL database of your own (it writes generated tasks and period snapshots):

    export DATABASE_URL=postgres://reform@127.0.0.1:5432/reform_periods SECRET_KEY=x DEBUG=1
    .venv/bin/python manage.py migrate
    .venv/bin/python scripts/bench_close_period.py --tasks 100000 --reset

`--tasks N` generates (manage.py generate_demo_data) until the busiest region's scope holds at least N
tasks. Then: the first closing of that region (every task a row), 5% of its tasks changed (`--change`),
the second closing (only the changed rows), and the task list as of the second period as the region's
office staff (the page and its frozen rows). Prints for each closing the time, the rows written, the
queries and the peak RSS; the snapshot table's size on disk; the page's time and queries; and EXPLAIN
ANALYZE of the "as of" query for a page of 50 tasks and for the whole region.

`--reset` empties the period tables first (TRUNCATE: the ORM refuses to delete snapshots), since
periods close in order and once; without it the script refuses to run on a database that has closings.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from regions.models import Region  # noqa: E402
from tasks.models import PeriodClosing, Task, TaskScope, TaskSnapshot  # noqa: E402
from tasks.periods.services.closing import close_period  # noqa: E402
from tasks.periods.services.snapshots import state_as_of  # noqa: E402

FIRST, SECOND = "2026-09", "2026-10"
TABLES = ("tasks_tasksnapshot", "tasks_departmentsnapshot", "tasks_periodclosing")


def busiest() -> tuple[Region | None, int]:
    top = TaskScope.objects.values("region_id").annotate(n=Count("pk")).order_by("-n").first()
    if top is None:
        return None, 0
    return Region.objects.get(pk=top["region_id"]), top["n"]


def ensure_tasks(wanted: int) -> tuple[Region, int]:
    region, count = busiest()
    while count < wanted:
        missing = wanted - count
        # The busiest region (河南省) sees about 46% of generated tasks.
        call_command("generate_demo_data", tasks=max(1000, int(missing / 0.45) + 100), verbosity=0)
        region, count = busiest()
    assert region is not None
    return region, count


def close(region: Region, period: str) -> dict:
    closing = PeriodClosing.objects.create(region=region, period=period)
    before_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        status = close_period(closing.pk)
        seconds = time.perf_counter() - started
    closing.refresh_from_db()
    return {
        "period": period,
        "status": status,
        "seconds": round(seconds, 2),
        "tasks": closing.tasks_total,
        "rows_written": closing.rows_written,
        "tombstones": closing.tombstones,
        "queries": len(queries),
        "max_rss_mb_growth": round(
            (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before_rss) / 1024, 1
        ),
        "changes": closing.change_counts,
    }


def change_some(region: Region, share: float, seed: int) -> int:
    ids = list(TaskScope.objects.filter(region=region).values_list("task_id", flat=True))
    chosen = random.Random(seed).sample(ids, int(len(ids) * share))
    for start in range(0, len(chosen), 5000):
        batch = chosen[start : start + 5000]
        with connection.cursor() as cursor:
            # Progress moved by 10 points (what a month of reports does to a task).
            cursor.execute(
                "UPDATE tasks_task SET progress = CASE WHEN progress >= 90 THEN progress - 10 "
                "ELSE progress + 10 END WHERE id = ANY(%s)",
                [batch],
            )
    return len(chosen)


def office_of(region: Region) -> User:
    user, _created = User.objects.get_or_create(
        username=f"bench-office-{region.code}",
        defaults={"role": Role.OFFICE, "region": region, "first_name": "bench"},
    )
    return user


def explain(sql_and_params) -> str:
    sql, params = sql_and_params
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)  # nosec B608: Django's own compiled SQL
        return "\n".join(row[0] for row in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--tasks", type=int, default=10_000, help="tasks in the closed region's scope, at least"
    )
    parser.add_argument("--change", type=float, default=0.05, help="share of tasks changed between closings")
    parser.add_argument("--reset", action="store_true", help="TRUNCATE the period tables first")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("run this on PostgreSQL (DATABASE_URL=postgres://…)")
    if args.reset:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(TABLES)}")  # nosec B608: constant table names
    elif PeriodClosing.objects.exists():
        sys.exit("this database has closings already: pass --reset to empty the period tables")

    region, count = ensure_tasks(args.tasks)
    print(f"region {region.code} {region.name}: {count} tasks in scope ({Task.objects.count()} in all)")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    first = close(region, FIRST)
    print("first closing:", first)
    changed = change_some(region, args.change, args.seed)
    print(f"changed {changed} tasks ({args.change:.0%})")
    second = close(region, SECOND)
    print("second closing:", second)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tasks_tasksnapshot")
        cursor.execute(
            "SELECT pg_total_relation_size('tasks_tasksnapshot'), pg_relation_size('tasks_tasksnapshot')"
        )
        total, heap = cursor.fetchone()
    rows = TaskSnapshot.objects.count()
    print(f"snapshot table: {rows} rows, {total / 2**20:.1f} MiB with indexes ({heap / 2**20:.1f} MiB heap)")

    setup_test_environment()  # the test client's response.context, and "testserver" allowed
    client = Client()
    client.force_login(office_of(region))
    client.get("/tasks/", {"as_of": SECOND})  # warm up
    timings = []
    for _ in range(5):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get("/tasks/", {"as_of": SECOND, "status": "in_progress"})
            timings.append(time.perf_counter() - started)
    assert response.status_code == 200, response.status_code
    print(
        f"as-of task list: {sorted(timings)[2] * 1000:.0f} ms median of 5, {len(queries)} queries, "
        f"{len(response.context['tasks'])} rows shown"
    )
    live = []
    for _ in range(5):
        started = time.perf_counter()
        client.get("/tasks/", {"status": "in_progress"})
        live.append(time.perf_counter() - started)
    print(f"the same list live (no as_of): {sorted(live)[2] * 1000:.0f} ms median of 5")
    page_ids = [task.pk for task in response.context["tasks"]]
    started = time.perf_counter()
    everything = state_as_of(region.pk, SECOND).count()
    print(
        f"whole state as of {SECOND}: {everything} tasks counted in {(time.perf_counter() - started) * 1000:.0f} ms"
    )
    print("\nEXPLAIN ANALYZE, the page's frozen rows:")
    print(explain(state_as_of(region.pk, SECOND, page_ids).query.sql_with_params()))
    print("\nEXPLAIN ANALYZE, the whole region as of the period:")
    print(explain(state_as_of(region.pk, SECOND).query.sql_with_params()))


if __name__ == "__main__":
    main()
