"""Load test: gunicorn on loopback, PostgreSQL with the 100,000-task database, a mixed workload.

    .venv/bin/python scripts/load_test.py [--connections 32] [--seconds 60] [--workers N]
        [--database reform_load] [--template reform_bench]

Runs against a copy: `reform_load` is created from `reform_bench` when it does not exist (CREATE
DATABASE ... TEMPLATE, or pg_dump | pg_restore while someone is connected to reform_bench) and
migrated. `--database reform_bench` runs on the original instead. Either way the only ledger writes
are the workload's progress reports, on a few designated tasks of one department (ProgressUpdate is
append-only, so they stay). The script adds two users if missing (`load_office`, `load_liaison`) and
their sessions.

gunicorn (sync workers, 2 x cores + 1 unless --workers) serves 127.0.0.1 on a free port; N client threads
(`--connections`) send requests until `--seconds` have passed, after `--warmup` seconds not counted:
as office staff of a province the task list (a filter at random), a task page and the dashboard; as a
liaison a progress report (POST, 302) on a designated task. A bare Django JSON view, mounted only in
this process' URLconf (`/__load/bare`, never in the project's), goes through the same middleware and
gunicorn as the reference: the report gives each endpoint's throughput, p50 and p99 and its p50
as a multiple of the bare view's. Exit status 1 on any error or 5xx.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # traffic only to loopback
BARE = "/__load/bare"
PROGRESS_TASKS = 10  # the designated tasks the progress reports go to

# Weights of the mix, per request.
MIX = {"task_list": 30, "task_detail": 30, "dashboard": 15, "progress": 10, "bare": 15}
EXPECTED_STATUS = {"task_list": 200, "task_detail": 200, "dashboard": 200, "progress": 302, "bare": 200}
LIST_FILTERS = ["", "?overdue=true", "?status=in_progress", "?q=医保", "?page=3", "?sort=-due_on"]


# gunicorn's application (loaded in each worker as `load_test:load_test_application()`) -----------

urlpatterns: list = []


def load_test_application():
    """The project's WSGI application with one bare JSON view added to the URLconf of this process."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application
    from django.http import JsonResponse
    from django.urls import include, path

    def bare(request):
        return JsonResponse({"ok": True})

    urlpatterns[:] = [path(BARE.lstrip("/"), bare), path("", include(settings.ROOT_URLCONF))]
    settings.ROOT_URLCONF = __name__
    return get_wsgi_application()


# Setup ---------------------------------------------------------------------------------------------


def database_url(name: str) -> str:
    return f"postgres://reform@127.0.0.1:5432/{name}"


def prepare_database(name: str, template: str) -> str:
    """The database to load: `name`, copied from `template` if missing (by TEMPLATE, or by
    pg_dump | pg_restore while someone is connected to the template), and migrated."""
    import psycopg

    with psycopg.connect("postgresql://reform@127.0.0.1:5432/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if name == template:
            print(f"load test: running on {template} itself; progress reports go to designated tasks")
            return name
        if not exists:
            began = time.monotonic()
            try:
                admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            except psycopg.errors.ObjectInUse:
                # A template must have no other session; a dump copies it while others read it.
                admin.execute(f'CREATE DATABASE "{name}"')
                dump = subprocess.Popen(
                    ["pg_dump", "-Fc", "--no-owner", "-d", database_url(template)], stdout=subprocess.PIPE
                )
                subprocess.run(
                    ["pg_restore", "--no-owner", "--exit-on-error", "-d", database_url(name)],
                    stdin=dump.stdout,
                    check=True,
                )
                if dump.wait() != 0:
                    sys.exit(f"load test: pg_dump of {template} failed")
                # A restore brings no planner statistics: without them the list's plans are seconds slow.
                with psycopg.connect(database_url(name), autocommit=True) as copy:
                    copy.execute("ANALYZE")
            print(f"load test: copied {template} to {name} in {time.monotonic() - began:.0f}s")
    # The copy is ours: bring its schema to the code's (the template may predate a migration).
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url(name), "SECRET_KEY": "load-test-migrate"},
        check=True,
    )
    return name


@dataclass
class Plan:
    office_cookie: str
    liaison_cookie: str
    csrf: str
    detail_ids: list[int]
    progress_ids: list[int]


def prepare_plan() -> Plan:
    """Users, their sessions and the tasks to request, from the database (Django set up here)."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db.models import Count

    from accounts.models import Role, User
    from regions.models import Region
    from tasks.ledger.services.progress import REPORTABLE_STATUSES
    from tasks.models import Assignment, Task

    province = Region.objects.filter(level=Region.Level.PROVINCE, code="410000").first()
    if province is None or not Task.objects.exists():
        sys.exit("load test: no ledger; generate it (manage.py generate_demo_data --tasks 100000)")
    office, _ = User.objects.get_or_create(
        username="load_office", defaults={"role": Role.OFFICE, "region": province, "email": ""}
    )
    busiest = (
        Assignment.objects.filter(department__region__parent=province)
        .values("department_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    liaison, _ = User.objects.get_or_create(
        username="load_liaison",
        defaults={"role": Role.LIAISON, "department_id": busiest["department_id"], "email": ""},
    )
    progress_ids = list(
        Task.objects.filter(assignments__department_id=liaison.department_id, status__in=REPORTABLE_STATUSES)
        .order_by("pk")
        .values_list("pk", flat=True)[:PROGRESS_TASKS]
    )
    detail_ids = list(Task.objects.visible_to(office).order_by("pk").values_list("pk", flat=True)[:5000:5])

    def session_for(user) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.set_expiry(3 * 3600)
        store.create()
        return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"

    csrf = secrets.token_hex(16)  # 32 characters: an unmasked CSRF secret, sent as cookie and header
    return Plan(
        office_cookie=session_for(office),
        liaison_cookie=session_for(liaison),
        csrf=f"{settings.CSRF_COOKIE_NAME}={csrf}",
        detail_ids=detail_ids,
        progress_ids=progress_ids,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_gunicorn(port: int, workers: int, database: str, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "reform.settings",
        "DATABASE_URL": database_url(database),
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(40),
        "DEBUG": "0",
        "ALLOWED_HOSTS": HOST,
        # Plain HTTP on loopback: no redirect to HTTPS, cookies without the Secure flag.
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        # Without Redis jobs run in-process; the dashboard warm-up is a worker's job, not the request's.
        "DASHBOARD_WARM": "0",
        "PYTHONPATH": f"{ROOT}:{ROOT / 'scripts'}",
    }
    env.pop("REDIS_URL", None)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return subprocess.Popen(
        [
            str(gunicorn),
            "load_test:load_test_application()",
            f"--bind={HOST}:{port}",
            f"--workers={workers}",
            "--worker-class=sync",
            "--timeout=60",
            "--chdir",
            str(ROOT),
        ],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def wait_until_up(port: int, server: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"load test: gunicorn exited:\n{log.read_text()}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", BARE)
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    sys.exit(f"load test: gunicorn did not answer within {timeout}s:\n{log.read_text()}")


# The workload ----------------------------------------------------------------------------------------


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def request_for(kind: str, plan: Plan, rng: random.Random) -> tuple[str, str, str | None, dict]:
    office = {"Cookie": f"{plan.office_cookie}; django_language=en"}
    if kind == "task_list":
        return "GET", "/tasks/" + quote(rng.choice(LIST_FILTERS), safe="?=&-"), None, office
    if kind == "task_detail":
        return "GET", f"/tasks/{rng.choice(plan.detail_ids)}/", None, office
    if kind == "dashboard":
        return "GET", "/dashboard/", None, office
    if kind == "progress":
        token = plan.csrf.split("=", 1)[1]
        body = f"status=in_progress&percent={rng.randint(1, 99)}&narrative=load+test"
        headers = {
            "Cookie": f"{plan.liaison_cookie}; {plan.csrf}",
            "X-CSRFToken": token,
            "Content-Type": "application/x-www-form-urlencoded",
        }
        return "POST", f"/tasks/{rng.choice(plan.progress_ids)}/progress/", body, headers
    return "GET", BARE, None, {}


def client_loop(port: int, plan: Plan, start: float, stop: float, results: Results, seed: int) -> None:
    rng = random.Random(seed)
    kinds, weights = list(MIX), list(MIX.values())
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    while time.monotonic() < stop:
        kind = rng.choices(kinds, weights)[0]
        method, path, body, headers = request_for(kind, plan, rng)
        began = time.monotonic()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
            if response.will_close:  # gunicorn's sync workers close after each response
                conn.close()
        except (OSError, http.client.HTTPException) as error:
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=60)
            if began >= start:
                with results.lock:
                    results.errors.append(f"{kind} {path}: {error!r}")
            continue
        elapsed = time.monotonic() - began
        if began < start:
            continue  # warm-up
        with results.lock:
            results.latencies[kind].append(elapsed)
            results.statuses[kind][status] += 1
            if status != EXPECTED_STATUS[kind]:
                results.errors.append(f"{kind} {path}: HTTP {status}")
    conn.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(results: Results, seconds: float) -> bool:
    bare = results.latencies.get("bare") or [float("nan")]
    bare_p50 = percentile(bare, 0.5)
    total = sum(len(v) for v in results.latencies.values())
    print(
        f"{'endpoint':<12} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'p50/bare':>9}  statuses"
    )
    for kind in MIX:
        values = results.latencies.get(kind, [])
        if not values:
            print(f"{kind:<12} {0:>8}")
            continue
        p50, p99 = percentile(values, 0.5), percentile(values, 0.99)
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(results.statuses[kind].items()))
        print(
            f"{kind:<12} {len(values):>8} {len(values) / seconds:>8.1f} {p50 * 1000:>8.1f} "
            f"{p99 * 1000:>8.1f} {p50 / bare_p50:>8.1f}x  {statuses}"
        )
    server_errors = sum(n for c in results.statuses.values() for code, n in c.items() if code >= 500)
    print(
        f"total {total} requests, {total / seconds:.1f} req/s; errors {len(results.errors)}, 5xx {server_errors}"
    )
    for line in results.errors[:20]:
        print(f"  {line}")
    return not results.errors and not server_errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--database", default="reform_load")
    parser.add_argument("--template", default="reform_bench")
    args = parser.parse_args()

    database = prepare_database(args.database, args.template)
    os.environ["DATABASE_URL"] = database_url(database)
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform.settings")
    sys.path.insert(0, str(ROOT))
    plan = prepare_plan()

    log = ROOT / "var" / "load_test" / "gunicorn.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    port = free_port()
    server = start_gunicorn(port, args.workers, database, log)
    try:
        wait_until_up(port, server, log)
        print(
            f"load test: {database}, gunicorn {args.workers} workers on {HOST}:{port}, "
            f"{args.connections} connections, {args.seconds:g}s after {args.warmup:g}s warm-up"
        )
        results = Results()
        start = time.monotonic() + args.warmup
        stop = start + args.seconds
        threads = [
            threading.Thread(target=client_loop, args=(port, plan, start, stop, results, seed), daemon=True)
            for seed in range(args.connections)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.warmup + args.seconds + 120)
        return 0 if report(results, args.seconds) else 1
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    sys.exit(main())
