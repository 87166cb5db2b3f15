"""Time the daily reminder scan against the configured database, and leave the database as it was.

    export DATABASE_URL=postgres://reform@127.0.0.1:5432/reform_bench SECRET_KEY=x
    .venv/bin/python scripts/bench_reminders.py [--today 2026-11-23] [--runs 3]

Inside one transaction that is rolled back at the end: gives every department with tasks a liaison
and every office user and leader an email address (generated data has none), then times a dry run,
the real scan (claims and their tasks written) and the delivery of every claimed digest through the
locmem email backend. Prints the time, the SQL queries and the emails of each step. The tables it
writes to are ANALYZEd inside the transaction, as autovacuum would have done on a live database.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform.settings")
# Never talk to a real mail server from a benchmark.
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"

import django  # noqa: E402

django.setup()

from django.core import mail  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from reform.workdays import next_workday  # noqa: E402
from tasks.models import Assignment, Reminder, Task  # noqa: E402
from tasks.reminders.services.scan import scan_reminders  # noqa: E402
from tasks.reminders.services.sending import deliver  # noqa: E402


class Rollback(Exception):
    pass


def _timed(label: str, fn):
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        value = fn()
        elapsed = time.perf_counter() - start
    print(f"{label:<34} {elapsed * 1000:>9.0f} ms {len(queries):>7} queries")
    return value


def _analyze(table: str) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--today", help="YYYY-MM-DD (default: the next working day from today)")
    parser.add_argument("--runs", type=int, default=3, help="dry runs to time")
    args = parser.parse_args()
    today = (
        datetime.date.fromisoformat(args.today) if args.today else next_workday(timezone.localdate(), True)
    )
    print(f"database {connection.settings_dict['NAME']}, {Task.objects.count()} tasks, scan for {today}")

    try:
        with transaction.atomic():
            departments = (
                Assignment.objects.order_by("department_id")
                .values_list("department_id", flat=True)
                .distinct()
            )
            User.objects.bulk_create(
                [
                    User(
                        username=f"bench_liaison_{pk}",
                        email=f"bench_liaison_{pk}@example.com",
                        role=Role.LIAISON,
                        department_id=pk,
                    )
                    for pk in departments
                ]
            )
            for user in User.objects.filter(role__in=[Role.OFFICE, Role.LEADER], email=""):
                User.objects.filter(pk=user.pk).update(email=f"{user.username}@example.com")
            # The planner's statistics of a live database know its users; ours would still say "no
            # liaisons" and choose a nested loop over every assignment. ANALYZE is rolled back too.
            _analyze("accounts_user")
            people = User.objects.filter(is_active=True, role__in=[Role.LIAISON, Role.OFFICE, Role.LEADER])
            print(f"{people.count()} people who may be reminded")

            for run in range(args.runs):
                result = _timed(f"dry run {run + 1}", lambda: scan_reminders(today, dry_run=True))
            listed = sum(len(d.task_ids) for d in result.digests)
            print(f"  {len(result.digests)} digests listing {listed} task entries")

            result = _timed("scan (claims written)", lambda: scan_reminders(today))
            print(f"  {len(result.claimed)} claimed, {len(result.already_sent)} already sent today")
            _analyze(Reminder.tasks.through._meta.db_table)
            mail.outbox = []
            outcomes = _timed("deliver every digest", lambda: [deliver(r.pk) for r in result.claimed])
            recipients = [address for message in mail.outbox for address in message.to]
            print(
                f"  {len(mail.outbox)} emails to {len(set(recipients))} recipients "
                f"({outcomes.count('sent')} sent); largest "
                f"{max((len(m.body) for m in mail.outbox), default=0)} characters of text"
            )
            again = _timed("second scan, same day", lambda: scan_reminders(today))
            print(f"  {len(again.claimed)} claimed, {len(again.already_sent)} already sent today")
            print(f"reminder rows now {Reminder.objects.filter(sent_on=today, task__isnull=True).count()}")
            raise Rollback
    except Rollback:
        print("rolled back: the database is as it was")


if __name__ == "__main__":
    main()
