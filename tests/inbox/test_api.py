"""GET /api/v1/inbox/, GET /api/v1/notifications/, POST /api/v1/notifications/{id}/read/ and read-all."""

import pytest
from rest_framework.test import APIClient

from tasks.ledger.services.progress import request_completion, return_task
from tasks.models import EventKind, Notification, Task

pytestmark = pytest.mark.django_db

API = "/api/v1"


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def returned(office, liaison, insurance_task):
    request_completion(insurance_task, liaison, "已完成。")
    task = Task.objects.get(pk=insurance_task.pk)
    return_task(task, office, reason="佐证材料不全", expected_version=task.version)
    return insurance_task


def test_the_inbox_lists_sections_and_items(liaison, returned):
    body = as_user(liaison).get(f"{API}/inbox/").json()

    assert body["count"] == 1
    assert [(s["kind"], s["total"]) for s in body["sections"]] == [("task_returned", 1)]
    assert body["sections"][0]["label"]  # in the request's language
    [item] = body["items"]
    assert item["section"] == "task_returned"
    assert item["task"] == returned.pk
    assert item["detail"] == "佐证材料不全"
    assert item["url"] == f"/tasks/{returned.pk}/"


def test_notifications_are_each_persons_own_and_read_once(liaison, other_liaison, returned):
    client = as_user(liaison)
    body = client.get(f"{API}/notifications/").json()
    [notice] = body["results"]
    assert notice["kind"] == EventKind.TASK_RETURNED
    assert notice["read"] is False
    assert notice["task"] == returned.pk

    # Another person's notification does not exist for them.
    assert as_user(other_liaison).post(f"{API}/notifications/{notice['id']}/read/").status_code == 404
    assert as_user(other_liaison).get(f"{API}/notifications/{notice['id']}/").status_code == 404

    read = client.post(f"{API}/notifications/{notice['id']}/read/").json()
    assert read["read"] is True
    again = client.post(f"{API}/notifications/{notice['id']}/read/").json()
    assert again["read_at"] == read["read_at"]
    assert client.get(f"{API}/notifications/?unread=true").json()["count"] == 0


def test_read_all_says_how_many(liaison, returned, other_liaison):
    assert as_user(liaison).post(f"{API}/notifications/read-all/").json() == {"marked": 1}
    assert as_user(liaison).post(f"{API}/notifications/read-all/").json() == {"marked": 0}
    assert not Notification.objects.filter(recipient=liaison, read_at__isnull=True).exists()
