"""The dashboard's figures, kept for a while and recomputed as soon as the ledger changes.

Computing the summary reads every task in scope several times (half a second at 100,000 tasks), and
leaders open the dashboard far more often than the ledger changes. The cache key holds the scope, the
day and a signature of the ledger: the number of tasks and the newest id of every table whose rows
change a figure (each write through the services adds a TaskChange or a ProgressUpdate, an import or an
edit adds rows). A write that leaves no such trace (an administrator correcting a row in the admin)
shows after at most CACHE_SECONDS, or at once with "refresh".
"""

from __future__ import annotations

import datetime

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from tasks.models import Assignment, Deadline, ProgressUpdate, Target, Task, TaskChange
from tasks.services.dashboard import DashboardSummary, dashboard_summary

CACHE_SECONDS = 600
SIGNATURE_TABLES = (Task, TaskChange, ProgressUpdate, Deadline, Assignment, Target)


def ledger_signature() -> tuple:
    """The task count and the newest id of each table that feeds the figures, in one query."""
    newest = ", ".join(
        f"(SELECT MAX({connection.ops.quote_name(model._meta.pk.column)}) "
        f"FROM {connection.ops.quote_name(model._meta.db_table)})"
        for model in SIGNATURE_TABLES
    )
    count = f"(SELECT COUNT(*) FROM {connection.ops.quote_name(Task._meta.db_table)})"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {count}, {newest}")  # noqa: S608 - table names from the models
        return tuple(cursor.fetchone())


def _scope_key(user) -> str:
    if user.is_superuser:
        return "all"
    return f"region-{user.region_id}"


def cached_dashboard_summary(
    user, *, refresh: bool = False, today: datetime.date | None = None
) -> tuple[DashboardSummary, datetime.datetime]:
    """The summary for the user's scope and when it was computed (now, unless it came from the cache).

    Only for users who may see the dashboard (office staff, leaders, superusers), whose summary depends
    on their region alone.
    """
    today = today or timezone.localdate()
    key = f"dashboard:{_scope_key(user)}:{today.isoformat()}:{':'.join(map(str, ledger_signature()))}"
    if not refresh:
        hit = cache.get(key)
        if hit is not None:
            return hit
    value = (dashboard_summary(user, today=today), timezone.now())
    cache.set(key, value, CACHE_SECONDS)
    return value
