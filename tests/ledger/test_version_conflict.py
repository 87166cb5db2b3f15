"""Optimistic locking of tasks through tasks.ledger.services.editing.update_task().

The contract: update_task(task, *, expected_version, user, **changes) saves the changes and
increments the version by one when the stored version is the expected one, and records a
TaskChange(action="updated", changes={field: [before, after]}); otherwise it raises
VersionConflict and changes nothing.

The office and the leader's secretary both open the same task at version 1; whoever saves
second must be told, not silently overwrite the first.
"""

import importlib

import pytest
from django.db.models import F

from tasks.models import Task, TaskChange, TaskStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def services():
    # Imported here rather than at module level so that, while the service does not exist, each
    # test fails on its own instead of the whole run stopping at collection.
    return importlib.import_module("tasks.ledger.services.editing")


@pytest.fixture
def colleague(zhengzhou):
    """A second member of the 郑州市 office, editing the same tasks."""
    return UserFactory(username="zz_office_2", office=True, region=zhengzhou)


def stored(task: Task) -> Task:
    return Task.objects.get(pk=task.pk)


def changes_of(task: Task) -> list[TaskChange]:
    return list(TaskChange.objects.filter(task_id=task.pk).order_by("pk"))


class TestASaveOnTheCurrentVersion:
    def test_saves_the_changes(self, services, office, insurance_task):
        services.update_task(
            insurance_task, expected_version=1, user=office, status=TaskStatus.IN_PROGRESS, progress=30
        )

        task = stored(insurance_task)
        assert (task.status, task.progress) == (TaskStatus.IN_PROGRESS, 30)

    def test_increments_the_version_by_one(self, services, office, insurance_task):
        assert insurance_task.version == 1

        returned = services.update_task(insurance_task, expected_version=1, user=office, progress=30)

        assert stored(insurance_task).version == 2
        assert isinstance(returned, Task)
        assert returned.pk == insurance_task.pk
        assert returned.version == 2
        assert returned.progress == 30

    def test_each_save_increments_the_version_once(self, services, office, insurance_task):
        services.update_task(insurance_task, expected_version=1, user=office, progress=10)
        services.update_task(insurance_task, expected_version=2, user=office, progress=20)
        services.update_task(insurance_task, expected_version=3, user=office, progress=30)

        assert (stored(insurance_task).version, stored(insurance_task).progress) == (4, 30)

    def test_records_who_changed_which_field_from_what_to_what(self, services, office, insurance_task):
        services.update_task(
            insurance_task, expected_version=1, user=office, status=TaskStatus.IN_PROGRESS, progress=30
        )

        [change] = changes_of(insurance_task)
        assert change.action == TaskChange.Action.UPDATED == "updated"
        assert change.actor == office
        assert change.changes == {"status": ["not_started", "in_progress"], "progress": [0, 30]}

    def test_records_a_change_for_each_save(self, services, office, colleague, insurance_task):
        services.update_task(insurance_task, expected_version=1, user=office, progress=10)
        services.update_task(insurance_task, expected_version=2, user=colleague, progress=20)

        assert [(c.actor, c.changes) for c in changes_of(insurance_task)] == [
            (office, {"progress": [0, 10]}),
            (colleague, {"progress": [10, 20]}),
        ]

    def test_records_the_stored_value_as_before_not_the_callers_stale_copy(
        self, services, office, colleague, insurance_task
    ):
        stale_copy = stored(insurance_task)
        services.update_task(insurance_task, expected_version=1, user=office, status=TaskStatus.IN_PROGRESS)

        # The colleague reloads the version (2) but passes the object loaded before.
        services.update_task(stale_copy, expected_version=2, user=colleague, status=TaskStatus.COMPLETED)

        assert changes_of(insurance_task)[-1].changes == {"status": ["in_progress", "completed"]}
        assert (stored(insurance_task).status, stored(insurance_task).version) == (TaskStatus.COMPLETED, 3)

    def test_leaves_the_other_tasks_alone(self, services, office, insurance_task, health_task):
        services.update_task(insurance_task, expected_version=1, user=office, progress=40)

        assert (stored(health_task).progress, stored(health_task).version) == (0, 1)
        assert changes_of(health_task) == []


class TestASaveOnAnOlderVersion:
    def test_is_refused_when_a_colleague_saved_first(self, services, office, colleague, insurance_task):
        mine = stored(insurance_task)
        theirs = stored(insurance_task)
        services.update_task(
            theirs, expected_version=theirs.version, user=colleague, text="同事修改后的任务内容。"
        )

        with pytest.raises(services.VersionConflict):
            services.update_task(
                mine, expected_version=mine.version, user=office, text="我修改后的任务内容。"
            )

    def test_changes_nothing(self, services, office, colleague, insurance_task):
        services.update_task(insurance_task, expected_version=1, user=colleague, progress=50)

        with pytest.raises(services.VersionConflict):
            services.update_task(
                insurance_task,
                expected_version=1,
                user=office,
                progress=80,
                status=TaskStatus.PENDING_VERIFICATION,
                text="覆盖同事的修改。",
            )

        task = stored(insurance_task)
        assert (task.progress, task.status, task.version) == (50, TaskStatus.NOT_STARTED, 2)
        assert task.text == "全面推进DRG/DIP支付方式改革。"
        assert [c.actor for c in changes_of(insurance_task)] == [colleague]

    def test_is_refused_when_the_row_changed_behind_the_editors_back(self, services, office, insurance_task):
        # Another process bumped the version; the editor's object still says 1.
        Task.objects.filter(pk=insurance_task.pk).update(version=F("version") + 1)
        assert insurance_task.version == 1

        with pytest.raises(services.VersionConflict):
            services.update_task(insurance_task, expected_version=1, user=office, progress=90)

        assert (stored(insurance_task).progress, stored(insurance_task).version) == (0, 2)
        assert changes_of(insurance_task) == []

    def test_is_refused_for_a_version_that_was_never_stored(self, services, office, insurance_task):
        with pytest.raises(services.VersionConflict):
            services.update_task(insurance_task, expected_version=7, user=office, progress=90)

        assert (stored(insurance_task).progress, stored(insurance_task).version) == (0, 1)
        assert changes_of(insurance_task) == []
