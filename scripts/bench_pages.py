"""Server times of the task list, the dashboard and the Excel export against the configured database.

Run against PostgreSQL after generating data:

    export DATABASE_URL=postgres://reform@127.0.0.1:5432/reform_bench SECRET_KEY=x DEBUG=1
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py bootstrap
    .venv/bin/python manage.py generate_demo_data --tasks 100000
    .venv/bin/python scripts/bench_pages.py [--runs 20] [--export-runs 3] [--region 410000]

Requests go through Django's test Client in-process (no network, no web server), logged in as an
office user and a leader of a province (created here if missing) and a superuser for the export
of every task. Prints p50/p95 in ms and the SQL queries per request. It changes no ledger data.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from regions.models import Department, Region  # noqa: E402
from tasks.models import Assignment, Task, TaskStatus  # noqa: E402


def _user(username: str, **fields) -> User:
    user, _created = User.objects.get_or_create(username=username, defaults=fields)
    return user


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _time(client: Client, url: str, params: dict, runs: int) -> tuple[list[float], int, int]:
    """Milliseconds per request, the query count of the last one and its status code."""
    times, queries, status = [], 0, 0
    for _run in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url, params)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
            times.append((time.perf_counter() - start) * 1000)
        queries, status = len(captured), response.status_code
    return times, queries, status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--export-runs", type=int, default=3)
    parser.add_argument("--region", default="410000", help="province whose office and leader log in")
    args = parser.parse_args()
    # The test Client's host name; requests never leave the process.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.SECURE_SSL_REDIRECT = False  # the test Client speaks plain HTTP

    region = Region.objects.get(code=args.region)
    office = _user(f"bench_office_{region.code}", role=Role.OFFICE, region=region, first_name="压测医改办")
    leader = _user(f"bench_leader_{region.code}", role=Role.LEADER, region=region, first_name="压测分管领导")
    admin = _user("bench_admin", is_superuser=True, is_staff=True, first_name="压测管理员")
    scope = Region.objects.subtree(region)
    # The busiest lead department of the scope, for the filtered list.
    lead = (
        Department.objects.filter(region__in=scope, assignments__role=Assignment.Role.LEAD)
        .values("pk")
        .annotate(n=django.db.models.Count("pk"))
        .order_by("-n")
        .first()
    )
    office_client, leader_client, admin_client = Client(), Client(), Client()
    office_client.force_login(office)
    leader_client.force_login(leader)
    admin_client.force_login(admin)
    visible = Task.objects.visible_to(office).count()
    print(
        f"database: {connection.vendor} {connection.settings_dict['NAME']}; tasks in all: "
        f"{Task.objects.count()}; visible to {office.username} ({region.name}): {visible}"
    )

    task_list, dashboard, export = reverse("task_list"), reverse("dashboard"), reverse("task_export")
    filtered = {"status": TaskStatus.IN_PROGRESS, "lead_department": lead["pk"] if lead else ""}
    cases = [
        ("task list, first page (office)", office_client, task_list, {}),
        ("task list, status + lead_department (office)", office_client, task_list, filtered),
        ("task list, page 200 = row 10,000 (office)", office_client, task_list, {"page": 200}),
        ("task list, last page (office)", office_client, task_list, {"page": "last"}),
        ("task list, first page (leader)", leader_client, task_list, {}),
        # ?refresh=1 recomputes every figure, bypassing the cache (tasks/dashboard/services/cache.py).
        ("dashboard, recomputed (office)", office_client, dashboard, {"refresh": "1"}),
        ("dashboard, recomputed (superuser, all tasks)", admin_client, dashboard, {"refresh": "1"}),
        ("dashboard (office)", office_client, dashboard, {}),
        ("dashboard (leader)", leader_client, dashboard, {}),
        ("dashboard (superuser, all tasks)", admin_client, dashboard, {}),
    ]
    print(f"{'page':<48}{'runs':>5}{'p50 ms':>10}{'p95 ms':>10}{'queries':>9}{'status':>8}", flush=True)
    for name, client, url, params in cases:
        _time(client, url, params, 1)  # warm-up: caches, connection, templates
        times, queries, status = _time(client, url, params, args.runs)
        print(
            f"{name:<48}{args.runs:>5}{statistics.median(times):>10.1f}{_percentile(times, 0.95):>10.1f}"
            f"{queries:>9}{status:>8}"
        )

    _bench_warm_up(office_client, dashboard, args.runs)

    print(flush=True)
    if args.export_runs < 1:
        return
    for name, client in (
        ("export, office scope", office_client),
        ("export, superuser (all tasks)", admin_client),
    ):
        # Times without tracemalloc (it slows allocation-heavy code severalfold), then one traced run
        # for the peak of Python allocations.
        times = []
        for _run in range(args.export_runs):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(export)
                times.append((time.perf_counter() - start) * 1000)
        rows = _count_rows(response.content)
        size = len(response.content) / 2**20
        del response
        tracemalloc.start()
        client.get(export)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{name}: {rows} rows, {size:.1f} MiB, {args.export_runs} runs, "
            f"p50 {statistics.median(times):.0f} ms, max {max(times):.0f} ms, "
            f"{len(captured)} queries, tracemalloc peak {peak:.1f} MiB, process max RSS {rss:.0f} MiB",
            flush=True,
        )


def _bench_warm_up(client: Client, url: str, runs: int) -> None:
    """The dashboard as it is after a write: the write changed the ledger signature, the job
    (tasks.warm_dashboards, timed here as the worker would run it) recomputed the scopes viewed
    recently, then the page is opened. Emptying the cache stands in for the write, which this script
    does not make."""
    from django.core.cache import cache

    from tasks.dashboard.services.cache import warm_dashboards

    client.get(url)  # the office's scope counts as viewed
    jobs, views = [], []
    for _run in range(runs):
        scopes = cache.get("dashboard:scopes")
        cache.clear()
        cache.set("dashboard:scopes", scopes)
        start = time.perf_counter()
        warmed = warm_dashboards()
        jobs.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            views.append((time.perf_counter() - start) * 1000)
    for name, times, queries in (
        (f"warm-up job after a write ({len(warmed)} scopes)", jobs, ""),
        ("dashboard after a write, warmed (office)", views, len(captured)),
    ):
        print(
            f"{name:<48}{runs:>5}{statistics.median(times):>10.1f}{_percentile(times, 0.95):>10.1f}"
            f"{queries:>9}{response.status_code:>8}"
        )


def _count_rows(content: bytes) -> int:
    """Task rows of the workbook (read-only mode, so counting does not load it into memory)."""
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
    return sum(1 for _row in sheet.iter_rows(min_row=4, max_col=1, values_only=True))


if __name__ == "__main__":
    main()
