"""The dashboard page keeps its figures until the ledger changes (tasks/services/dashboard_cache.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tasks.models import Task, TaskStatus
from tasks.services import update_task
from tasks.services.dashboard_cache import cached_dashboard_summary, ledger_signature
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
