"""Assignments, deadlines and targets of the tasks the user may see, with their filters."""

import datetime

import pytest

from tests.factories import DeadlineFactory, TargetFactory

pytestmark = pytest.mark.django_db


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_only_parts_of_visible_tasks_are_listed(api_client, liaison, own_task, foreign_task, health_task):
    client = api_client(liaison)
    for name, related in (("assignments", "assignments"), ("deadlines", "deadlines"), ("targets", "targets")):
        expected = list(getattr(own_task, related).order_by("pk").values_list("pk", flat=True))
        assert ids(client.get(f"/api/v1/{name}/")) == expected, name


def test_assignment_filters(
    api_client, office, insurance_task, health_task, insurance_bureau, health_commission
):
    client = api_client(office)
    lead, cooperating = insurance_task.assignments.order_by("pk")
    assert ids(client.get(f"/api/v1/assignments/?task={insurance_task.pk}")) == [lead.pk, cooperating.pk]
    assert ids(client.get(f"/api/v1/assignments/?department={health_commission.pk}")) == [
        cooperating.pk,
        health_task.assignments.get().pk,
    ]
    assert ids(client.get("/api/v1/assignments/?role=cooperating")) == [cooperating.pk]


def test_deadline_filters(api_client, office, insurance_task, health_task):
    june = DeadlineFactory(task=insurance_task, due_on=datetime.date(2026, 6, 30))
    december = DeadlineFactory(task=health_task, due_on=datetime.date(2026, 12, 31), text="年底前")
    ongoing = DeadlineFactory(task=health_task, kind="ongoing", due_on=None, text="长期坚持")
    client = api_client(office)
    assert ids(client.get(f"/api/v1/deadlines/?task={health_task.pk}")) == [december.pk, ongoing.pk]
    assert ids(client.get("/api/v1/deadlines/?kind=ongoing")) == [ongoing.pk]
    assert ids(client.get("/api/v1/deadlines/?due_after=2026-07-01")) == [december.pk]
    assert ids(client.get("/api/v1/deadlines/?due_before=2026-07-01")) == [june.pk]


def test_target_filters(api_client, office, insurance_task, health_task):
    attained = TargetFactory(task=insurance_task, latest_actual=95)
    missed = TargetFactory(task=health_task, latest_actual=50)
    capped = TargetFactory(task=health_task, comparator="<=", value=10)
    client = api_client(office)
    assert ids(client.get(f"/api/v1/targets/?task={health_task.pk}")) == [missed.pk, capped.pk]
    assert ids(client.get("/api/v1/targets/?attained=true")) == [attained.pk]
    assert ids(client.get("/api/v1/targets/?attained=false")) == [missed.pk]
    assert ids(client.get("/api/v1/targets/?comparator=%3C%3D")) == [capped.pk]
