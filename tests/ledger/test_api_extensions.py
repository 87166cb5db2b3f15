"""Deadline extensions through the API, as on the task page: a liaison of an assigned department asks for a
later date with a reason (pending), office staff approve (the deadline moves, the first date is kept in
original_due_on) or refuse with a reason (the deadline stays)."""

import pytest
from django.utils import translation

from tasks.models import Deadline, ExtensionRequest, Task, TaskChange
from tests.api_world import later
from tests.factories import DeadlineFactory, ExtensionRequestFactory

pytestmark = pytest.mark.django_db


def message(msgid: str) -> str:
    """The service's message as the API answers it: in the portal's language."""
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def url(task) -> str:
    return f"/api/v1/tasks/{task.pk}/extensions/"


def decision(extension) -> str:
    return f"/api/v1/extensions/{extension.pk}/decision/"


def state(task) -> tuple:
    return (
        Task.objects.get(pk=task.pk).version,
        list(Deadline.objects.order_by("pk").values_list("pk", "due_on", "original_due_on")),
        list(ExtensionRequest.objects.order_by("pk").values_list("pk", "status", "requested_due_on")),
        TaskChange.objects.count(),
    )


@pytest.fixture
def extension(own_task, liaison):
    deadline = own_task.deadlines.get()
    return ExtensionRequestFactory(
        task=own_task,
        deadline=deadline,
        department=liaison.department,
        requested_by=liaison,
        requested_due_on=later(120),
    )


def test_a_liaison_requests_an_extension_which_is_pending(api_client, liaison, own_task):
    deadline = own_task.deadlines.get()
    response = api_client(liaison).post(
        url(own_task),
        {"requested_due_on": later(90).isoformat(), "reason": "配套文件未出台。"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["requested_due_on"], body["current_due_on"]) == (
        "pending",
        later(90).isoformat(),
        deadline.due_on.isoformat(),
    )
    assert body["deadline"]["id"] == deadline.pk
    assert body["requested_by"]["id"] == liaison.pk
    request = ExtensionRequest.objects.get()
    assert (request.status, request.reason) == (ExtensionRequest.Status.PENDING, "配套文件未出台。")
    deadline.refresh_from_db()
    assert deadline.due_on == later(60), "a request alone moves nothing"


def test_a_liaison_may_name_which_deadline(api_client, liaison, own_task):
    first = DeadlineFactory(task=own_task, due_on=later(30), text="一个月内", year=later(30).year)
    response = api_client(liaison).post(
        url(own_task),
        {"requested_due_on": later(45).isoformat(), "reason": "需顺延。", "deadline": first.pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert ExtensionRequest.objects.get().deadline == first


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"requested_due_on": "2099-01-01", "reason": " "}, "reason"),
        ({"requested_due_on": "2099-01-01"}, "reason"),
        ({"reason": "需顺延。"}, "requested_due_on"),
        ({"requested_due_on": "not a date", "reason": "需顺延。"}, "requested_due_on"),
        ({"requested_due_on": "2000-01-01", "reason": "需顺延。"}, "requested_due_on"),
        ({"requested_due_on": "2099-01-01", "reason": "需顺延。", "deadline": 2**30}, "deadline"),
    ],
)
def test_an_invalid_extension_request_names_the_field_and_writes_nothing(
    api_client, liaison, own_task, body, field
):
    before = state(own_task)
    response = api_client(liaison).post(url(own_task), body, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert state(own_task) == before


def test_another_tasks_deadline_cannot_be_named(api_client, liaison, own_task, foreign_task):
    before = state(own_task)
    response = api_client(liaison).post(
        url(own_task),
        {"requested_due_on": "2099-01-01", "reason": "需顺延。", "deadline": foreign_task.deadlines.get().pk},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"deadline": [message("Choose a dated deadline of this task.")]}
    assert state(own_task) == before


def test_a_second_request_waits_for_the_first_decision(api_client, liaison, own_task, extension):
    before = state(own_task)
    response = api_client(liaison).post(
        url(own_task), {"requested_due_on": later(200).isoformat(), "reason": "再次申请。"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["non_field_errors"]
    assert state(own_task) == before


def test_the_task_lists_its_extension_requests_newest_first(api_client, leader, own_task, extension):
    ExtensionRequest.objects.filter(pk=extension.pk).update(status=ExtensionRequest.Status.REFUSED)
    newer = ExtensionRequestFactory(
        task=own_task,
        deadline=extension.deadline,
        department=extension.department,
        requested_by=extension.requested_by,
    )
    response = api_client(leader).get(url(own_task))
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [newer.pk, extension.pk]
    assert response.json()["results"][1]["status"] == "refused"


def test_approval_moves_the_deadline_and_keeps_the_original(api_client, office, own_task, extension):
    deadline = extension.deadline
    version = Task.objects.get(pk=own_task.pk).version
    response = api_client(office).post(decision(extension), {"decision": "approve"}, format="json")
    assert response.status_code == 200, response.content
    deadline.refresh_from_db()
    assert (deadline.due_on, deadline.original_due_on) == (later(120), later(60))
    body = response.json()
    assert body["status"] == "approved"
    assert body["reviewed_by"]["id"] == office.pk
    assert (body["deadline"]["due_on"], body["deadline"]["original_due_on"]) == (
        later(120).isoformat(),
        later(60).isoformat(),
    )
    assert Task.objects.get(pk=own_task.pk).version == version + 1


def test_a_refusal_leaves_the_deadline_and_records_the_reason(api_client, office, own_task, extension):
    response = api_client(office).post(
        decision(extension), {"decision": "refuse", "comment": "理由不充分。"}, format="json"
    )
    assert response.status_code == 200, response.content
    extension.deadline.refresh_from_db()
    assert (extension.deadline.due_on, extension.deadline.original_due_on) == (later(60), None)
    extension.refresh_from_db()
    assert (extension.status, extension.review_comment) == (ExtensionRequest.Status.REFUSED, "理由不充分。")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "refuse"}, "comment"),
        ({"decision": "refuse", "comment": "  "}, "comment"),
        ({"decision": "maybe"}, "decision"),
        ({}, "decision"),
    ],
)
def test_an_invalid_decision_names_the_field_and_writes_nothing(
    api_client, office, own_task, extension, body, field
):
    before = state(own_task)
    response = api_client(office).post(decision(extension), body, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert state(own_task) == before


def test_a_request_is_decided_once(api_client, office, own_task, extension):
    client = api_client(office)
    assert client.post(decision(extension), {"decision": "approve"}, format="json").status_code == 200
    before = state(own_task)
    again = client.post(decision(extension), {"decision": "refuse", "comment": "改主意了。"}, format="json")
    assert again.status_code == 400
    assert again.json()["errors"] == {
        "non_field_errors": [message("This extension request has already been decided.")]
    }
    assert state(own_task) == before


def test_a_second_approval_keeps_the_first_original_date(api_client, office, liaison, own_task, extension):
    client = api_client(office)
    assert client.post(decision(extension), {"decision": "approve"}, format="json").status_code == 200
    second = ExtensionRequestFactory(
        task=own_task,
        deadline=extension.deadline,
        department=liaison.department,
        requested_by=liaison,
        requested_due_on=later(200),
    )
    assert client.post(decision(second), {"decision": "approve"}, format="json").status_code == 200
    deadline = Deadline.objects.get(pk=extension.deadline_id)
    assert (deadline.due_on, deadline.original_due_on) == (later(200), later(60))


def test_a_liaison_cannot_decide_on_its_own_request(api_client, liaison, own_task, extension):
    before = state(own_task)
    response = api_client(liaison).post(decision(extension), {"decision": "approve"}, format="json")
    assert response.status_code == 403
    assert state(own_task) == before
