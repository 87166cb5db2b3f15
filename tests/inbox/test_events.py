"""An event is written in the transaction of the act that causes it: both stand or fall together."""

from unittest import mock

import pytest
from django.db import DatabaseError, transaction

from tasks.ledger.services.progress import request_completion, verify_completion
from tasks.models import Event, Notification, Task, TaskChange, TaskStatus
from tasks.notices.services import events
from tasks.notices.services.events import publish

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)
def test_publish_refuses_to_run_outside_a_transaction(liaison):
    with pytest.raises(RuntimeError):
        publish("task_verified", title="x", recipients=[liaison])
    assert not Event.objects.exists()


def test_a_failure_to_record_the_event_undoes_the_act(office, liaison, insurance_task):
    request_completion(insurance_task, liaison, "已完成。")
    task = Task.objects.get(pk=insurance_task.pk)
    changes = TaskChange.objects.count()

    failing = mock.patch.object(
        events.Notification.objects, "bulk_create", side_effect=DatabaseError("disk full")
    )
    with failing, pytest.raises(DatabaseError):
        verify_completion(task, office, expected_version=task.version)

    task.refresh_from_db()
    assert task.status == TaskStatus.PENDING_VERIFICATION
    assert TaskChange.objects.count() == changes
    assert not Event.objects.exists()


def test_an_act_rolled_back_takes_its_event_with_it(office, liaison, insurance_task):
    request_completion(insurance_task, liaison, "已完成。")
    task = Task.objects.get(pk=insurance_task.pk)

    class Undo(Exception):
        pass

    def verify_then_fail():
        with transaction.atomic():
            verify_completion(task, office, expected_version=task.version)
            assert Notification.objects.filter(recipient=liaison).exists()
            raise Undo

    with pytest.raises(Undo):
        verify_then_fail()

    assert not Notification.objects.exists()
    assert Task.objects.get(pk=task.pk).status == TaskStatus.PENDING_VERIFICATION


def test_the_actor_is_not_notified_and_inactive_people_are_not(office, liaison, insurance_task):
    liaison.is_active = False
    liaison.save()
    with transaction.atomic():
        published = publish("task_verified", title="已销号", recipients=[liaison, office], actor=office)
    assert published.notified == []
    assert not Notification.objects.exists()
