"""催办 through the API: every active liaison of the task's departments, once a day each."""

import pytest
from django.core import mail

from accounts.models import User
from tasks.models import Reminder

pytestmark = pytest.mark.django_db


def url(task) -> str:
    return f"/api/v1/tasks/{task.pk}/reminders/"


def test_the_office_reminds_the_liaisons_and_a_second_time_today_skips_them(
    api_client, office, liaison, insurance_task, other_liaison, django_capture_on_commit_callbacks
):
    client = api_client(office)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url(insurance_task), {"message": "请于本周内报送进展。"})
    assert first.status_code == 201
    reminded = {row["recipient"]["id"] for row in first.json()["reminded"]}
    assert reminded == {liaison.pk, other_liaison.pk}
    assert len(mail.outbox) == 2
    second = client.post(url(insurance_task), {"message": "再次提醒。"})
    assert second.status_code == 200
    assert second.json()["reminded"] == []
    assert {row["id"] for row in second.json()["skipped"]} == reminded
    assert Reminder.objects.count() == 2


@pytest.mark.parametrize(("message", "field"), [("   ", "message"), ("催" * 2001, "message")])
def test_a_missing_or_long_message_is_named(api_client, office, liaison, insurance_task, message, field):
    response = api_client(office).post(url(insurance_task), {"message": message})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert not Reminder.objects.exists()


def test_a_task_without_an_active_liaison_cannot_be_reminded(api_client, office, liaison, health_task):
    User.objects.filter(department=health_task.assignments.get().department).update(is_active=False)
    response = api_client(office).post(url(health_task), {"message": "请报送。"})
    assert response.status_code == 400
    assert response.json()["errors"]["non_field_errors"]
    assert not Reminder.objects.exists()
