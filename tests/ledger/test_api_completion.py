"""Closing a task through the API, as on the task page: the lead department's liaison requests completion
(申请销号), office staff verify it (销号) or return it with a reason (退回), with If-Match on both."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from tasks.models import Assignment, Evidence, ProgressUpdate, Task, TaskChange, TaskStatus
from tests.api_world import PDF
from tests.factories import AssignmentFactory

pytestmark = pytest.mark.django_db


def message(msgid: str) -> str:
    """The service's message as the API answers it: in the portal's language."""
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def url(task, action: str) -> str:
    return f"/api/v1/tasks/{task.pk}/{action}/"


def state(task) -> tuple:
    task = Task.objects.get(pk=task.pk)
    return (
        task.version,
        task.status,
        task.progress,
        ProgressUpdate.objects.count(),
        Evidence.objects.count(),
        TaskChange.objects.count(),
    )


def pending(task) -> Task:
    Task.objects.filter(pk=task.pk).update(status=TaskStatus.PENDING_VERIFICATION, progress=100)
    return Task.objects.get(pk=task.pk)


def if_match(task) -> dict[str, str]:
    return {"HTTP_IF_MATCH": f'"{task.version}"'}


# 申请销号 ------------------------------------------------------------------------------------------


def test_a_completion_request_puts_the_task_pending_verification(api_client, liaison, own_task):
    version = own_task.version
    response = api_client(liaison).post(
        url(own_task, "completion-request"), {"narrative": "方案已印发实施。"}, format="json"
    )
    assert response.status_code == 201, response.content
    own_task.refresh_from_db()
    assert (own_task.status, own_task.progress, own_task.version) == (
        TaskStatus.PENDING_VERIFICATION,
        100,
        version + 1,
    )
    body = response.json()
    assert (body["status"], body["percent"], body["narrative"]) == (
        "pending_verification",
        100,
        "方案已印发实施。",
    )
    assert body["task_version"] == own_task.version
    assert response["ETag"] == f'"{own_task.version}"'
    assert TaskChange.objects.filter(task=own_task, action=TaskChange.Action.PROGRESS).exists()


def test_a_completion_request_takes_evidence_as_multipart(api_client, liaison, own_task):
    response = api_client(liaison).post(
        url(own_task, "completion-request"),
        {"narrative": "方案已印发实施。", "files": [SimpleUploadedFile("印发通知.pdf", PDF)]},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert [e["original_name"] for e in response.json()["evidence"]] == ["印发通知.pdf"]


@pytest.mark.parametrize("body", [{"narrative": "  "}, {}])
def test_a_completion_request_without_a_narrative_names_the_field_and_writes_nothing(
    api_client, liaison, own_task, body
):
    before = state(own_task)
    response = api_client(liaison).post(url(own_task, "completion-request"), body, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["narrative"]
    assert state(own_task) == before


def test_a_second_completion_request_is_refused_while_one_is_pending(api_client, liaison, own_task):
    pending(own_task)
    before = state(own_task)
    response = api_client(liaison).post(
        url(own_task, "completion-request"), {"narrative": "再次申请。"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "non_field_errors": [message("Completion of this task is already awaiting verification.")]
    }
    assert state(own_task) == before


def test_a_cooperating_department_may_not_request_completion(
    api_client, other_liaison, own_task, health_commission
):
    AssignmentFactory(task=own_task, department=health_commission, role=Assignment.Role.COOPERATING)
    before = state(own_task)
    response = api_client(other_liaison).post(
        url(own_task, "completion-request"), {"narrative": "已配合完成。"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == message(
        "Only the lead or co-lead department may request completion of a task."
    )
    assert state(own_task) == before


# 销号 and 退回 -------------------------------------------------------------------------------------


def test_the_office_verifies_a_pending_task_as_completed(api_client, office, own_task):
    task = pending(own_task)
    response = api_client(office).post(url(task, "verify"), **if_match(task))
    assert response.status_code == 200, response.content
    task.refresh_from_db()
    assert (task.status, task.progress) == (TaskStatus.COMPLETED, 100)
    assert response.json()["status"] == "completed"
    assert response["ETag"] == f'"{task.version}"'
    assert TaskChange.objects.filter(task=task, action=TaskChange.Action.VERIFIED).exists()


def test_the_office_returns_a_pending_task_with_its_reason(api_client, office, own_task):
    task = pending(own_task)
    response = api_client(office).post(
        url(task, "return"), {"reason": "缺少印发文件。"}, format="json", **if_match(task)
    )
    assert response.status_code == 200, response.content
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS
    assert response.json()["status"] == "in_progress"
    change = TaskChange.objects.get(task=task, action=TaskChange.Action.RETURNED)
    assert change.note == "缺少印发文件。"


@pytest.mark.parametrize("body", [{"reason": ""}, {}])
def test_a_return_without_a_reason_names_the_field_and_writes_nothing(api_client, office, own_task, body):
    task = pending(own_task)
    before = state(task)
    response = api_client(office).post(url(task, "return"), body, format="json", **if_match(task))
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["reason"]
    assert state(task) == before


@pytest.mark.parametrize("action", ["verify", "return"])
def test_only_a_task_awaiting_verification_is_verified_or_returned(api_client, office, own_task, action):
    before = state(own_task)
    response = api_client(office).post(
        url(own_task, action), {"reason": "退回。"}, format="json", **if_match(own_task)
    )
    assert response.status_code == 400
    assert "non_field_errors" in response.json()["errors"]
    assert state(own_task) == before


@pytest.mark.parametrize("action", ["verify", "return"])
def test_verify_and_return_need_the_current_version(api_client, office, own_task, action):
    task = pending(own_task)
    before = state(task)
    client = api_client(office)
    missing = client.post(url(task, action), {"reason": "退回。"}, format="json")
    assert missing.status_code == 428
    stale = client.post(url(task, action), {"reason": "退回。"}, format="json", HTTP_IF_MATCH='"999"')
    assert stale.status_code == 412
    assert stale.json()["current_version"] == task.version
    assert stale["ETag"] == f'"{task.version}"'
    malformed = client.post(url(task, action), {"reason": "退回。"}, format="json", HTTP_IF_MATCH="yes")
    assert malformed.status_code == 400
    assert list(malformed.json()["errors"]) == ["If-Match"]
    assert state(task) == before
