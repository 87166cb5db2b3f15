"""The dashboard's figures, kept for a while and recomputed as soon as the ledger changes.

Computing the summary reads every task in scope several times (half a second at 100,000 tasks), and
leaders open the dashboard far more often than the ledger changes. The cache key holds the scope, the
day and a signature of the ledger: the number of tasks and the newest id of every table whose rows
change a figure (each write through the services adds a TaskChange or a ProgressUpdate, an import or an
edit adds rows). A write that leaves no such trace (an administrator correcting a row in the admin)
shows after at most CACHE_SECONDS, or at once with "refresh".

So that nobody waits for the recomputation, a write schedules `warm_dashboards` after its commit: a
job that recomputes, under the new signature, the summary of every scope whose dashboard was opened in
the last WARM_SCOPES_SECONDS. Writes in a burst share one job (a flag in the cache while it is queued).
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from redis.exceptions import RedisError

from accounts.models import Role, User
from tasks.access import scope_of
from tasks.dashboard.services.summary import DashboardSummary, dashboard_summary
from tasks.models import Assignment, Deadline, ProgressUpdate, Target, Task, TaskChange
from tasks.queueing import WARM_DASHBOARDS, job

logger = logging.getLogger(__name__)

CACHE_SECONDS = 600
# Scopes whose dashboard was opened within this time are kept warm after writes.
WARM_SCOPES_SECONDS = 3 * 24 * 3600
SCOPES_KEY = "dashboard:scopes"
QUEUED_KEY = "dashboard:warm-queued"
SIGNATURE_TABLES = (Task, TaskChange, ProgressUpdate, Deadline, Assignment, Target)


def ledger_signature() -> tuple:
    """The task count and the newest id of each table that feeds the figures, in one query."""
    # Table and column names from the models, quoted; no value is interpolated (bandit's B608).
    newest = ", ".join(
        f"(SELECT MAX({connection.ops.quote_name(model._meta.pk.column)}) "  # nosec B608
        f"FROM {connection.ops.quote_name(model._meta.db_table)})"
        for model in SIGNATURE_TABLES
    )
    count = f"(SELECT COUNT(*) FROM {connection.ops.quote_name(Task._meta.db_table)})"  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {count}, {newest}")  # noqa: S608 - table names from the models
        return tuple(cursor.fetchone())


def _scope_key(user) -> str:
    scope = scope_of(user)
    if scope.everything:
        return "all"
    return f"region-{scope.region_id}"


def _summary_key(scope: str, today: datetime.date, signature: tuple) -> str:
    return f"dashboard:{scope}:{today.isoformat()}:{':'.join(map(str, signature))}"


def _scope_user(scope: str) -> User:
    """An unsaved user who sees exactly the scope: the summary depends on the region alone."""
    if scope == "all":
        return User(is_superuser=True)
    return User(role=Role.OFFICE, region_id=int(scope.removeprefix("region-")))


def _remember_scope(user) -> None:
    scopes = cache.get(SCOPES_KEY) or {}
    scope = _scope_key(user)
    now = timezone.now().timestamp()
    # Refreshed at most hourly: a read-modify-write of a shared value, whose lost update only means a
    # scope is warmed by its next view instead.
    if now - scopes.get(scope, 0) > 3600:
        scopes = {key: seen for key, seen in scopes.items() if now - seen < WARM_SCOPES_SECONDS}
        scopes[scope] = now
        cache.set(SCOPES_KEY, scopes, WARM_SCOPES_SECONDS)


def cached_dashboard_summary(
    user, *, refresh: bool = False, today: datetime.date | None = None
) -> tuple[DashboardSummary, datetime.datetime]:
    """The summary for the user's scope and when it was computed (now, unless it came from the cache).

    Only for users who may see the dashboard (office staff, leaders, superusers), whose summary depends
    on their region alone.
    """
    today = today or timezone.localdate()
    key = _summary_key(_scope_key(user), today, ledger_signature())
    try:
        _remember_scope(user)
        hit = None if refresh else cache.get(key)
    except RedisError:  # Redis is down: the figures are computed, the page must not fail
        logger.warning("dashboard cache unavailable", exc_info=True)
        return dashboard_summary(user, today=today), timezone.now()
    if hit is not None:
        return hit
    value = (dashboard_summary(user, today=today), timezone.now())
    cache.set(key, value, CACHE_SECONDS)
    return value


def warm_dashboards(today: datetime.date | None = None) -> list[str]:
    """Compute and cache the summary of every recently viewed scope that the cache lacks for the
    current ledger signature; the scopes computed."""
    cache.delete(QUEUED_KEY)  # a write from now on queues another run
    scopes = cache.get(SCOPES_KEY) or {}
    if not scopes:
        return []
    today = today or timezone.localdate()
    signature = ledger_signature()
    warmed = []
    for scope in sorted(scopes):
        key = _summary_key(scope, today, signature)
        if cache.get(key) is None:
            cache.set(
                key, (dashboard_summary(_scope_user(scope), today=today), timezone.now()), CACHE_SECONDS
            )
            warmed.append(scope)
    return warmed


def _queue_warm() -> None:
    if cache.add(QUEUED_KEY, 1, settings.DASHBOARD_WARM_DELAY + 120):
        try:
            job(WARM_DASHBOARDS).apply_async(countdown=settings.DASHBOARD_WARM_DELAY)
        except Exception:  # a broker that is down delays the figures, it must not fail the write
            cache.delete(QUEUED_KEY)
            logger.warning("could not queue the dashboard warm-up", exc_info=True)


def warm_after_commit() -> None:
    """Schedule the warm-up for after the current transaction commits (once per transaction)."""
    if not settings.DASHBOARD_WARM:
        return
    if any(func is _queue_warm for _sids, func, _robust in connection.run_on_commit):
        return
    transaction.on_commit(_queue_warm, robust=True)
