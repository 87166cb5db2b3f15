"""Time the office ledger (台账 + 通报) of a region against a bare openpyxl write of the same values.

Run against PostgreSQL with generated data:

    export DATABASE_URL=postgres://reform@127.0.0.1:5432/reform_bench SECRET_KEY=x DEBUG=1
    .venv/bin/python scripts/bench_ledger.py [--region 410000] [--runs 3]

`write_ledger` is timed end to end (count, ranking, every chunk's queries, the workbook written to a
temporary file). The baseline is a write-only workbook to which the same cell values (collected
beforehand, so it times only the writing) are appended as plain values: no styles, no queries. The
target is a ratio of at most 1.3; wall and CPU times are both printed (the CPU time of this process
leaves out PostgreSQL's work, the wall time counts whatever else the machine runs). Memory: the
tracemalloc peak of one traced run, and the peak RSS of a child process that only builds the ledger
(Python, Django and all). Changes nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from regions.models import Region  # noqa: E402
from tasks.models import TaskScope  # noqa: E402
from tasks.reports.services.ledger import iter_ledger_rows, ranking_for, scope_tasks, write_ledger  # noqa: E402
from tasks.reports.services.periods import previous_period  # noqa: E402
from tasks.workbooks.ledger import rank_departments  # noqa: E402


def _busiest_region() -> Region:
    top = TaskScope.objects.values("region_id").annotate(n=Count("pk")).order_by("-n").first()
    if top is None:
        sys.exit("no tasks: generate data first (manage.py generate_demo_data --tasks 100000)")
    return Region.objects.get(pk=top["region_id"])


def _values(region: Region, today, period) -> tuple[list[list], list[list]]:
    """The cell values the ledger writes, as plain Python values (the texts as joined there)."""
    ledger = []
    for row in iter_ledger_rows(scope_tasks(region), today=today):
        ledger.append(
            [
                row.task_id,
                row.document_title,
                row.doc_number,
                row.label,
                row.text,
                "、".join(row.lead_departments),
                "、".join(row.cooperating_departments),
                row.time_limit,
                row.due_on,
                row.status,
                row.progress / 100,
                "是" if row.overdue else "否",
                row.latest_progress_on,
                row.latest_progress,
                row.evidence_count,
                row.targets,
                row.updated_at,
            ]
        )
    ranking = []
    for rank, item in rank_departments(ranking_for(region, today=today, period=period).departments):
        ranking.append(
            [
                rank,
                item.department,
                item.region,
                item.lead_tasks,
                item.all_tasks,
                item.completed,
                item.completion_rate,
                item.completed_with_due,
                item.completed_on_time,
                item.on_time_rate,
                item.overdue,
                str(item.report),
                item.report_submitted_on,
            ]
        )
    return ledger, ranking


def _bare(ledger: list[list], ranking: list[list], path: str) -> tuple[float, float]:
    start, cpu = time.perf_counter(), time.process_time()
    workbook = Workbook(write_only=True)
    for rows in (ledger, ranking):
        sheet = workbook.create_sheet()
        for values in rows:
            sheet.append(values)
    workbook.save(path)
    return time.perf_counter() - start, time.process_time() - cpu


def _ledger(region: Region, path: str, today, period) -> tuple[tuple[float, float], int, int]:
    with CaptureQueriesContext(connection) as captured:
        start, cpu = time.perf_counter(), time.process_time()
        rows = write_ledger(region, path, today=today, period=period)
        seconds = time.perf_counter() - start, time.process_time() - cpu
    return seconds, len(captured), rows


def _child(code: str) -> None:
    region = Region.objects.get(code=code)
    today = timezone.localdate()
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as out:
        write_ledger(region, out.name, today=today, period=previous_period(today))
    # VmHWM: this process's own peak. ru_maxrss would start from the parent's size at fork.
    status = Path("/proc/self/status")
    if status.exists():
        peak = next(line for line in status.read_text().splitlines() if line.startswith("VmHWM:"))
        print(int(peak.split()[1]) // 1024)
    else:
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--region", help="region code (default: the region that sees the most tasks)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.region)
        return
    region = Region.objects.get(code=args.region) if args.region else _busiest_region()
    today = timezone.localdate()
    period = previous_period(today)
    print(f"database {connection.settings_dict['NAME']}; region {region.code} {region.name}", flush=True)

    path = tempfile.mkstemp(suffix=".xlsx")[1]
    try:
        ledger, ranking = _values(region, today, period)
        _ledger(region, path, today, period)  # warm-up: connection, translations, caches
        ledger_times, bare_times = [], []
        for _run in range(args.runs):
            seconds, queries, rows = _ledger(region, path, today, period)
            ledger_times.append(seconds)
            size = Path(path).stat().st_size / 2**20
            bare_times.append(_bare(ledger, ranking, path))
        del ledger, ranking
        tracemalloc.start()
        write_ledger(region, path, today=today, period=period)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    finally:
        Path(path).unlink(missing_ok=True)
    child = subprocess.run(
        [sys.executable, __file__, "--child", "--region", region.code],
        capture_output=True,
        text=True,
        check=True,
    )
    print(
        f"write_ledger: {rows} rows, {size:.1f} MiB, {queries} queries; {args.runs} runs alternating with the bare loop"
    )
    for label, index in (("wall", 0), ("CPU of this process", 1)):
        ledger = [times[index] for times in ledger_times]
        bare = [times[index] for times in bare_times]
        print(
            f"{label} seconds: write_ledger {', '.join(f'{t:.2f}' for t in ledger)}; "
            f"bare {', '.join(f'{t:.2f}' for t in bare)}; ratio (target <= 1.3x): "
            f"median {statistics.median(ledger) / statistics.median(bare):.2f}x, "
            f"best {min(ledger) / min(bare):.2f}x"
        )
    print(
        f"memory: tracemalloc peak {peak:.1f} MiB; peak RSS of a child process building it "
        f"{child.stdout.strip()} MiB (target < 150 MB)"
    )


if __name__ == "__main__":
    main()
