"""Closing a task: the lead department requests completion (申请销号), the office verifies (销号) or returns it."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from tasks.access import NotPermitted
from tasks.ledger.services.editing import VersionConflict, update_task
from tasks.ledger.services.progress import request_completion, return_task, verify_completion
from tasks.models import Assignment, ProgressUpdate, Task, TaskChange, TaskStatus
from tests.factories import AssignmentFactory, DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def pending(liaison, insurance_task):
    request_completion(
        insurance_task, liaison, "任务已全面完成。", [SimpleUploadedFile("总结.pdf", b"%PDF-1.4\n")]
    )
    return Task.objects.get(pk=insurance_task.pk)


def state(task):
    task = Task.objects.get(pk=task.pk)
    return (
        (task.status, task.progress, task.version),
        ProgressUpdate.objects.count(),
        TaskChange.objects.count(),
    )


class TestRequestingCompletion:
    def test_the_lead_department_requests_it_at_100_percent(self, liaison, pending):
        assert (pending.status, pending.progress, pending.version) == (
            TaskStatus.PENDING_VERIFICATION,
            100,
            2,
        )
        update = ProgressUpdate.objects.get(task=pending)
        assert (update.status, update.percent, update.author) == (
            TaskStatus.PENDING_VERIFICATION,
            100,
            liaison,
        )
        assert update.evidence.count() == 1

    def test_a_co_lead_department_may_request_it(self, other_liaison, insurance_task):
        Assignment.objects.filter(task=insurance_task, department=other_liaison.department).update(
            role=Assignment.Role.CO_LEAD
        )

        request_completion(insurance_task, other_liaison, "已完成。")

        assert Task.objects.get(pk=insurance_task.pk).status == TaskStatus.PENDING_VERIFICATION

    def test_a_cooperating_department_may_not(self, other_liaison, insurance_task):
        before = state(insurance_task)

        with pytest.raises(NotPermitted, match="lead or co-lead"):
            request_completion(insurance_task, other_liaison, "已完成。")

        assert state(insurance_task) == before

    def test_the_office_does_not_request_it(self, office, insurance_task):
        with pytest.raises(NotPermitted):
            request_completion(insurance_task, office, "已完成。")
        assert state(insurance_task)[1:] == (0, 0)

    def test_another_department_does_not_see_the_task(self, liaison, health_task):
        with pytest.raises(Task.DoesNotExist):
            request_completion(health_task, liaison, "已完成。")

    def test_it_needs_a_narrative(self, liaison, insurance_task):
        before = state(insurance_task)

        with pytest.raises(ValidationError, match="Describe what was done"):
            request_completion(insurance_task, liaison, "  ")

        assert state(insurance_task) == before

    def test_it_is_not_requested_twice(self, liaison, pending):
        before = state(pending)

        with pytest.raises(ValidationError, match="already awaiting verification"):
            request_completion(pending, liaison, "再次申请。")

        assert state(pending) == before

    def test_a_bad_file_stops_the_request(self, liaison, insurance_task):
        before = state(insurance_task)

        with pytest.raises(ValidationError, match="is empty"):
            request_completion(insurance_task, liaison, "已完成。", [SimpleUploadedFile("空.pdf", b"")])

        assert state(insurance_task) == before


class TestVerifying:
    def test_the_office_verifies_completion(self, office, pending):
        verify_completion(pending, office, expected_version=pending.version)

        task = Task.objects.get(pk=pending.pk)
        assert (task.status, task.version) == (TaskStatus.COMPLETED, 3)
        change = TaskChange.objects.filter(task=task).first()
        assert (change.action, change.actor) == (TaskChange.Action.VERIFIED, office)
        assert change.changes == {"status": ["pending_verification", "completed"]}

    def test_a_stale_version_is_refused(self, office, pending):
        opened_at = pending.version
        update_task(pending, expected_version=opened_at, user=office, section="新分类")
        before = state(pending)

        with pytest.raises(VersionConflict):
            verify_completion(pending, office, expected_version=opened_at)

        assert state(pending) == before

    def test_only_a_task_awaiting_verification(self, office, insurance_task):
        before = state(insurance_task)

        with pytest.raises(ValidationError, match="awaiting verification"):
            verify_completion(insurance_task, office, expected_version=1)

        assert state(insurance_task) == before

    @pytest.mark.parametrize("persona", ["liaison", "leader"])
    def test_liaisons_and_leaders_may_not(self, request, persona, pending):
        before = state(pending)

        with pytest.raises(NotPermitted):
            verify_completion(pending, request.getfixturevalue(persona), expected_version=pending.version)

        assert state(pending) == before

    def test_an_office_of_another_city_does_not_see_the_task(self, outsider, pending):
        with pytest.raises(Task.DoesNotExist):
            verify_completion(pending, outsider, expected_version=pending.version)
        assert Task.objects.get(pk=pending.pk).status == TaskStatus.PENDING_VERIFICATION


class TestReturning:
    def test_the_office_returns_the_task_with_a_reason(self, office, pending):
        return_task(pending, office, reason="佐证材料不全，请补充。", expected_version=pending.version)

        task = Task.objects.get(pk=pending.pk)
        assert (task.status, task.version) == (TaskStatus.IN_PROGRESS, 3)
        change = TaskChange.objects.filter(task=task).first()
        assert (change.action, change.note) == (TaskChange.Action.RETURNED, "佐证材料不全，请补充。")
        assert change.changes == {"status": ["pending_verification", "in_progress"]}

    def test_a_reason_is_required(self, office, pending):
        before = state(pending)

        with pytest.raises(ValidationError, match="reason"):
            return_task(pending, office, reason=" ", expected_version=pending.version)

        assert state(pending) == before

    def test_a_liaison_cannot_return_even_without_a_reason(self, liaison, pending):
        with pytest.raises(NotPermitted):
            return_task(pending, liaison, reason="", expected_version=pending.version)

    def test_a_stale_version_is_refused(self, office, pending):
        with pytest.raises(VersionConflict):
            return_task(pending, office, reason="补充材料", expected_version=1)
        assert Task.objects.get(pk=pending.pk).status == TaskStatus.PENDING_VERIFICATION

    def test_a_returned_task_can_be_requested_again(self, office, liaison, pending):
        return_task(pending, office, reason="补充材料", expected_version=pending.version)

        request_completion(pending, liaison, "已补充。")

        assert Task.objects.get(pk=pending.pk).status == TaskStatus.PENDING_VERIFICATION

    def test_a_lead_added_later_may_request(self, insurance_task, zhengzhou):
        department = DepartmentFactory(region=zhengzhou)
        AssignmentFactory(task=insurance_task, department=department, role=Assignment.Role.LEAD)
        user = UserFactory(liaison=True, department=department)

        request_completion(insurance_task, user, "完成。")

        assert Task.objects.get(pk=insurance_task.pk).status == TaskStatus.PENDING_VERIFICATION
