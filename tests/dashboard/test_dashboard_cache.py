"""The dashboard page keeps its figures until the ledger changes (tasks/dashboard/services/cache.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tasks.dashboard.services.cache import cached_dashboard_summary, ledger_signature
from tasks.ledger.services.editing import update_task
from tasks.models import Task, TaskStatus
from tests.factories import DeadlineFactory

pytestmark = pytest.mark.django_db


def completed(user) -> int:
    summary, _computed_at = cached_dashboard_summary(user)
    return summary.totals.completed.value


def test_a_second_view_is_served_from_the_cache(client, leader, zhengzhou_tasks):
    client.force_login(leader)
    with CaptureQueriesContext(connection) as first:
        assert client.get(reverse("dashboard")).status_code == 200
    with CaptureQueriesContext(connection) as second:
        page = client.get(reverse("dashboard"))
    assert page.status_code == 200
    # Session, user, the user's region for the top bar and the ledger signature; no figure query.
    assert len(second) < len(first) - 5
    assert "Recompute now" in page.content.decode() or "立即重新计算" in page.content.decode()


def test_an_edit_through_the_services_shows_at_once(leader, office, insurance_task, health_task):
    assert completed(leader) == 0
    update_task(
        insurance_task, expected_version=insurance_task.version, user=office, status=TaskStatus.COMPLETED
    )
    assert completed(leader) == 1


def test_new_rows_change_the_signature(insurance_task):
    before = ledger_signature()
    DeadlineFactory(task=insurance_task)
    assert ledger_signature() != before


def test_a_trace_free_write_shows_on_refresh(leader, insurance_task):
    assert completed(leader) == 0
    # A queryset update leaves no new row: the cache still answers until asked to recompute.
    Task.objects.filter(pk=insurance_task.pk).update(status=TaskStatus.COMPLETED)
    assert completed(leader) == 0
    summary, _computed_at = cached_dashboard_summary(leader, refresh=True)
    assert summary.totals.completed.value == 1


def test_scopes_do_not_share_figures(leader, outsider, insurance_task, changsha_task):
    assert cached_dashboard_summary(leader)[0].totals.total.value == 1
    assert cached_dashboard_summary(outsider)[0].totals.total.value == 1
    Task.objects.filter(pk=changsha_task.pk).update(status=TaskStatus.COMPLETED)
    assert cached_dashboard_summary(outsider, refresh=True)[0].totals.completed.value == 1
    assert cached_dashboard_summary(leader)[0].totals.completed.value == 0


@pytest.mark.django_db(transaction=True)
def test_a_write_warms_the_dashboards_viewed_recently(
    leader, office, insurance_task, health_task, monkeypatch, django_assert_max_num_queries
):
    from tasks import jobs

    # Real commits (no test transaction around them), so on_commit callbacks run as in production.
    queued = []
    real_apply_async = jobs.warm_dashboards.apply_async
    monkeypatch.setattr(
        jobs.warm_dashboards,
        "apply_async",
        lambda **kwargs: queued.append(kwargs) or real_apply_async(**kwargs),
    )
    assert completed(leader) == 0  # the leader's scope is now "viewed"
    update_task(
        insurance_task, expected_version=insurance_task.version, user=office, status=TaskStatus.COMPLETED
    )
    # One warm-up for the transaction, however many rows it saved; eager Celery ran it at the commit.
    assert len(queued) == 1
    # The view finds the new figures in the cache: the signature is its only query.
    with django_assert_max_num_queries(1):
        summary, _computed_at = cached_dashboard_summary(leader)
    assert summary.totals.completed.value == 1


def test_the_warm_up_computes_only_viewed_scopes_missing_from_the_cache(leader, outsider, insurance_task):
    from tasks.dashboard.services.cache import warm_dashboards

    assert warm_dashboards() == []  # nobody has opened a dashboard
    cached_dashboard_summary(leader)
    cached_dashboard_summary(outsider)
    assert warm_dashboards() == []  # both are cached for the current signature
    DeadlineFactory(task=insurance_task)
    scopes = sorted([f"region-{outsider.region_id}", f"region-{leader.region_id}"])
    assert warm_dashboards() == scopes
    assert warm_dashboards() == []
    # What the warm-up stored is what the view would compute.
    assert cached_dashboard_summary(leader)[0] == cached_dashboard_summary(leader, refresh=True)[0]


def test_a_burst_of_commits_queues_one_warm_up(leader, insurance_task, settings, monkeypatch):
    from tasks import jobs
    from tasks.dashboard.services import cache as dashboard_cache

    queued = []
    monkeypatch.setattr(jobs.warm_dashboards, "apply_async", lambda **kwargs: queued.append(kwargs))
    for _ in range(3):
        dashboard_cache._queue_warm()
    assert queued == [{"countdown": settings.DASHBOARD_WARM_DELAY}]
    dashboard_cache.warm_dashboards()  # the run clears the flag: the next write queues again
    dashboard_cache._queue_warm()
    assert len(queued) == 2


def test_warming_can_be_switched_off(settings, office, insurance_task, django_capture_on_commit_callbacks):
    settings.DASHBOARD_WARM = False
    with django_capture_on_commit_callbacks() as callbacks:
        DeadlineFactory(task=insurance_task)
    assert callbacks == []
