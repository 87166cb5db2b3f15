"""The instructions API: status codes and bodies (every response is held to the schema by the client)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tasks.models import Instruction, InstructionReply
from tests.factories import InstructionFactory, InstructionReplyFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%%EOF\n"


def test_a_leader_writes_an_instruction_and_lists_it(api_client, leader, own_task, insurance_bureau):
    url = f"/api/v1/tasks/{own_task.pk}/instructions/"
    response = api_client(leader).post(url, {"text": "请月底前报送进展。"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["task"] == own_task.pk
    assert body["department"]["id"] == insurance_bureau.pk
    assert body["answered"] is False
    assert body["replies"] == []
    listed = api_client(leader).get(url).json()
    assert [item["id"] for item in listed["results"]] == [body["id"]]


def test_an_empty_text_is_a_400_naming_the_field(api_client, leader, own_task):
    response = api_client(leader).post(
        f"/api/v1/tasks/{own_task.pk}/instructions/", {"text": " "}, format="json"
    )
    assert response.status_code == 400
    assert "text" in response.json()["errors"]


def test_a_liaison_may_not_instruct(api_client, liaison, own_task):
    response = api_client(liaison).post(
        f"/api/v1/tasks/{own_task.pk}/instructions/", {"text": "请推进。"}, format="json"
    )
    assert response.status_code == 403
    assert not Instruction.objects.exists()


def test_another_regions_task_is_not_found(api_client, leader, foreign_task):
    response = api_client(leader).post(
        f"/api/v1/tasks/{foreign_task.pk}/instructions/", {"text": "请推进。"}, format="json"
    )
    assert response.status_code == 404


def test_the_liaison_replies_with_a_file_and_the_instruction_is_answered(
    api_client, liaison, leader, own_task, insurance_bureau
):
    instruction = InstructionFactory(task=own_task, department=insurance_bureau, author=leader)
    upload = SimpleUploadedFile("纪要.pdf", PDF)
    response = api_client(liaison).post(
        f"/api/v1/instructions/{instruction.pk}/replies/",
        {"text": "已召开推进会。", "file": upload},
        format="multipart",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["evidence_name"] == "纪要.pdf"
    download = api_client(leader).get(body["evidence_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    detail = api_client(leader).get(f"/api/v1/instructions/{instruction.pk}/").json()
    assert detail["answered"] is True
    assert [r["text"] for r in detail["replies"]] == ["已召开推进会。"]


def test_a_json_reply_without_a_file(api_client, liaison, own_task, insurance_bureau):
    instruction = InstructionFactory(task=own_task, department=insurance_bureau)
    response = api_client(liaison).post(
        f"/api/v1/instructions/{instruction.pk}/replies/", {"text": "已推进。"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["evidence_url"] is None


def test_a_refused_file_is_a_400_on_the_file_field(api_client, liaison, own_task, insurance_bureau):
    instruction = InstructionFactory(task=own_task, department=insurance_bureau)
    upload = SimpleUploadedFile("a.pdf", b"<svg></svg>")
    response = api_client(liaison).post(
        f"/api/v1/instructions/{instruction.pk}/replies/",
        {"text": "已推进。", "file": upload},
        format="multipart",
    )
    assert response.status_code == 400
    assert "file" in response.json()["errors"]
    assert not InstructionReply.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("other_liaison", 404), ("office", 403), ("leader", 403)])
def test_only_the_answering_departments_liaison_replies(
    request, api_client, own_task, insurance_bureau, persona, status
):
    instruction = InstructionFactory(task=own_task, department=insurance_bureau)
    response = api_client(request.getfixturevalue(persona)).post(
        f"/api/v1/instructions/{instruction.pk}/replies/", {"text": "已推进。"}, format="json"
    )
    assert response.status_code == status


def test_the_list_is_scoped_and_filtered(
    api_client, office, own_task, foreign_task, insurance_bureau, changsha_bureau
):
    answered = InstructionFactory(task=own_task, department=insurance_bureau)
    InstructionReplyFactory(instruction=answered)
    waiting = InstructionFactory(task=own_task, department=insurance_bureau)
    InstructionFactory(task=foreign_task, department=changsha_bureau)
    client = api_client(office)

    def ids(**params):
        response = client.get("/api/v1/instructions/", params)
        assert response.status_code == 200
        return [item["id"] for item in response.json()["results"]]

    assert ids() == [waiting.pk, answered.pk]
    assert ids(answered="true") == [answered.pk]
    assert ids(answered="false") == [waiting.pk]
    assert ids(task=own_task.pk, department=insurance_bureau.pk) == [waiting.pk, answered.pk]
    assert ids(task=foreign_task.pk) == []
    assert client.get("/api/v1/instructions/", {"task": "abc"}).status_code == 400


def test_a_leader_instructs_a_department_on_its_overdue_tasks(
    api_client, leader, liaison, own_task, insurance_bureau, changsha_bureau
):
    import datetime

    from django.utils import timezone

    from tasks.models import Deadline, Notification, Task

    url = f"/api/v1/departments/{insurance_bureau.pk}/instructions/"
    # Nothing overdue yet: refused, saying why, and nothing written.
    response = api_client(leader).post(url, {"text": "逾期任务请逐项说明原因。"}, format="json")
    assert response.status_code == 400
    assert not Instruction.objects.exists()

    past = timezone.localdate() - datetime.timedelta(days=10)
    Deadline.objects.filter(task=own_task).update(due_on=past)
    Task.objects.filter(pk=own_task.pk).update(due_on=past)
    response = api_client(leader).post(url, {"text": "逾期任务请逐项说明原因。"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["task"] is None
    assert body["department"]["id"] == insurance_bureau.pk
    assert Notification.objects.filter(recipient=liaison, kind="instruction").exists()
    assert [i["id"] for i in api_client(liaison).get(url).json()["results"]] == [body["id"]]

    assert api_client(liaison).post(url, {"text": "x"}, format="json").status_code == 403
    other = f"/api/v1/departments/{changsha_bureau.pk}/instructions/"
    assert api_client(leader).post(other, {"text": "x"}, format="json").status_code == 404
