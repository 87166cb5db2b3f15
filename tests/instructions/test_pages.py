"""The pages: a leader writes on the task page, the liaison replies with a file, the leader sees the
reply; the history shows both; the page's query count stays constant; a department's overdue page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tasks.models import Instruction, InstructionReply, Notification
from tests.factories import DeadlineFactory, InstructionFactory, InstructionReplyFactory
from tests.ledger.test_task_pages import DETAIL_QUERIES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "report_media")]

PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.fixture
def client(client, settings):
    """The pages in English, whatever the catalogue holds."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def page(client, user, task) -> str:
    client.force_login(user)
    response = client.get(reverse("task_detail", args=[task.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_leader_instructs_the_liaison_replies_with_a_file_and_the_leader_sees_it(
    client, leader, liaison, insurance_task
):
    assert "Write an instruction" in page(client, leader, insurance_task)
    response = client.post(reverse("task_instruct", args=[insurance_task.pk]), {"text": "请月底前报送进展。"})
    assert response.status_code == 302
    instruction = Instruction.objects.get()
    assert Notification.objects.filter(recipient=liaison, event__instruction=instruction).exists()

    html = page(client, liaison, insurance_task)
    assert "请月底前报送进展。" in html
    assert "Write an instruction" not in html
    assert reverse("instruction_reply", args=[instruction.pk]) in html
    upload = SimpleUploadedFile("纪要.pdf", PDF)
    response = client.post(
        reverse("instruction_reply", args=[instruction.pk]), {"text": "已召开推进会。", "file": upload}
    )
    assert response.status_code == 302
    answer = InstructionReply.objects.get()

    html = page(client, leader, insurance_task)
    assert "已召开推进会。" in html
    assert "纪要.pdf" in html
    download = client.get(reverse("instruction_reply_evidence", args=[answer.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["X-Content-Type-Options"] == "nosniff"


def test_a_cooperating_liaison_sees_the_instruction_without_a_reply_form(
    client, other_liaison, insurance_task, insurance_bureau
):
    instruction = InstructionFactory(task=insurance_task, department=insurance_bureau)
    html = page(client, other_liaison, insurance_task)
    assert instruction.text in html
    assert reverse("instruction_reply", args=[instruction.pk]) not in html


def test_an_empty_instruction_shows_the_form_again_with_the_reason(client, leader, insurance_task):
    client.force_login(leader)
    response = client.post(reverse("task_instruct", args=[insurance_task.pk]), {"text": " "})
    assert response.status_code == 400
    assert "Write the text." in response.content.decode()
    assert not Instruction.objects.exists()


def test_a_refused_file_shows_the_reason(client, liaison, insurance_task, insurance_bureau):
    instruction = InstructionFactory(task=insurance_task, department=insurance_bureau)
    client.force_login(liaison)
    upload = SimpleUploadedFile("run.pdf", b"\x7fELF\x02\x01")
    response = client.post(
        reverse("instruction_reply", args=[instruction.pk]), {"text": "已推进。", "file": upload}
    )
    assert response.status_code == 400
    assert "run.pdf" in response.content.decode()
    assert not InstructionReply.objects.exists()


def test_the_history_lists_instructions_and_replies(client, office, insurance_task, insurance_bureau):
    instruction = InstructionFactory(task=insurance_task, department=insurance_bureau, text="请加快推进。")
    InstructionReplyFactory(instruction=instruction, text="已完成方案起草。")
    html = page(client, office, insurance_task)
    history = html[html.index('id="task-history"') :]
    assert "Leader&#x27;s instruction to 郑州市医疗保障局" in history
    assert "请加快推进。" in history
    assert "Reply to the instruction by 郑州市医疗保障局" in history
    assert "已完成方案起草。" in history


@pytest.mark.parametrize("count", [1, 10])
def test_the_task_page_takes_the_same_queries_however_many_instructions(
    client, office, insurance_task, insurance_bureau, count, django_assert_max_num_queries
):
    for _ in range(count):
        instruction = InstructionFactory(task=insurance_task, department=insurance_bureau)
        InstructionReplyFactory.create_batch(2, instruction=instruction)
    client.force_login(office)
    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = client.get(reverse("task_detail", args=[insurance_task.pk]))
    assert response.content.decode().count('class="instruction-reply ') == 2 * count


class TestDepartmentPage:
    @pytest.fixture
    def overdue(self, insurance_task):
        DeadlineFactory(task=insurance_task, due_on="2026-06-30")
        return insurance_task

    def test_a_leader_sees_the_overdue_tasks_and_instructs(
        self, client, leader, liaison, overdue, insurance_bureau
    ):
        client.force_login(leader)
        url = reverse("instruction_department", args=[insurance_bureau.pk])
        html = client.get(url).content.decode()
        assert overdue.text[:20] in html
        assert "Write an instruction" in html

        assert client.post(url, {"text": "逾期任务请逐项说明。"}).status_code == 302
        instruction = Instruction.objects.get(task__isnull=True)
        assert "逾期任务请逐项说明。" in client.get(url).content.decode()

        # The liaison answers on the instruction's own page, which lists the overdue tasks.
        client.force_login(liaison)
        detail = client.get(reverse("instruction_detail", args=[instruction.pk])).content.decode()
        assert overdue.text[:20] in detail
        assert reverse("instruction_reply", args=[instruction.pk]) in detail

    def test_the_dashboard_links_a_lead_departments_overdue_count_for_leaders(
        self, client, leader, office, overdue, insurance_bureau
    ):
        url = reverse("instruction_department", args=[insurance_bureau.pk])
        client.force_login(leader)
        assert url in client.get(reverse("dashboard")).content.decode()
        client.force_login(office)
        assert url not in client.get(reverse("dashboard")).content.decode()
