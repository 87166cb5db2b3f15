"""give_instruction and reply: who is told, what is refused, and that a failure leaves nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from regions.models import Department
from tasks.access import NotPermitted
from tasks.instructions.services.instructing import TEXT_MAX_CHARS, give_instruction, reply
from tasks.instructions.services.queries import instructions_visible_to, unanswered_for
from tasks.models import Assignment, Event, EventKind, Instruction, InstructionReply, Notification, Task
from tests.factories import AssignmentFactory, DeadlineFactory, LiaisonFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_media")]

PDF = b"%PDF-1.7\n%%EOF\n"


def notified(event: Event) -> set[str]:
    return set(Notification.objects.filter(event=event).values_list("recipient__username", flat=True))


@pytest.fixture
def overdue(insurance_task):
    """insurance_task (led by 医保局) past its deadline."""
    DeadlineFactory(task=insurance_task, due_on="2026-06-30")
    insurance_task.refresh_from_db()
    return insurance_task


class TestInstructingOnATask:
    def test_the_lead_and_co_lead_liaisons_and_the_office_are_told(
        self, leader, office, liaison, other_liaison, insurance_task, county_government
    ):
        AssignmentFactory(task=insurance_task, department=county_government, role=Assignment.Role.CO_LEAD)
        county = LiaisonFactory(username="county", department=county_government)

        instruction = give_instruction(leader, text="  请加快推进。 ", task=insurance_task)

        assert instruction.text == "请加快推进。"
        assert instruction.department.name == "郑州市医疗保障局"
        event = Event.objects.get(instruction=instruction)
        assert event.kind == EventKind.INSTRUCTION
        assert event.task_id == insurance_task.pk
        assert event.url == f"/tasks/{insurance_task.pk}/#instructions"
        # 卫健委 only cooperates: it sees the instruction on the task page but is not told.
        assert notified(event) == {liaison.username, county.username, office.username}

    def test_a_co_lead_answers_when_the_task_has_no_lead(self, leader, health_task, health_commission):
        Assignment.objects.filter(task=health_task).update(role=Assignment.Role.CO_LEAD)
        assert give_instruction(leader, text="请推进。", task=health_task).department == health_commission

    def test_a_task_without_a_lead_department_is_refused(self, leader, zhengzhou_document):
        from tests.factories import TaskFactory

        task = TaskFactory(document=zhengzhou_document)
        with pytest.raises(ValidationError) as refusal:
            give_instruction(leader, text="请推进。", task=task)
        assert refusal.value.code == "department"

    @pytest.mark.parametrize("text", ["", "   ", "批" * (TEXT_MAX_CHARS + 1)])
    def test_empty_or_too_long_text_is_refused(self, leader, insurance_task, text):
        with pytest.raises(ValidationError) as refusal:
            give_instruction(leader, text=text, task=insurance_task)
        assert refusal.value.code == "text"
        assert not Instruction.objects.exists()
        assert not Event.objects.exists()

    def test_another_regions_task_is_not_found(self, leader, changsha_task):
        with pytest.raises(Task.DoesNotExist):
            give_instruction(leader, text="请推进。", task=changsha_task)

    @pytest.mark.parametrize("persona", ["liaison", "office"])
    def test_only_leaders_instruct(self, request, persona, insurance_task):
        with pytest.raises(NotPermitted):
            give_instruction(request.getfixturevalue(persona), text="请推进。", task=insurance_task)

    def test_a_failure_while_publishing_leaves_nothing(self, leader, liaison, insurance_task, monkeypatch):
        def broken(*args, **kwargs):
            raise RuntimeError("robot table locked")

        monkeypatch.setattr("tasks.instructions.services.instructing.publish", broken)
        with pytest.raises(RuntimeError):
            give_instruction(leader, text="请推进。", task=insurance_task)
        assert not Instruction.objects.exists()


class TestInstructingOnADepartment:
    def test_its_liaisons_and_its_office_are_told(self, leader, office, liaison, overdue, insurance_bureau):
        instruction = give_instruction(leader, text="逾期任务请逐项说明。", department=insurance_bureau)

        assert instruction.task is None
        assert instruction.department == insurance_bureau
        event = Event.objects.get(instruction=instruction)
        assert event.url == f"/instructions/{instruction.pk}/"
        assert notified(event) == {liaison.username, office.username}

    def test_a_department_without_overdue_tasks_is_refused(self, leader, insurance_task, insurance_bureau):
        with pytest.raises(ValidationError) as refusal:
            give_instruction(leader, text="请说明。", department=insurance_bureau)
        assert refusal.value.code == "department"

    def test_another_regions_department_is_not_found(self, leader, changsha_bureau):
        with pytest.raises(Department.DoesNotExist):
            give_instruction(leader, text="请说明。", department=changsha_bureau)

    def test_a_liaison_may_not_instruct_their_own_department(self, liaison, overdue, insurance_bureau):
        with pytest.raises(NotPermitted):
            give_instruction(liaison, text="请说明。", department=insurance_bureau)


class TestReplying:
    @pytest.fixture
    def instruction(self, leader, insurance_task):
        return give_instruction(leader, text="请加快推进。", task=insurance_task)

    def test_the_leader_and_the_office_are_told(self, instruction, leader, office, liaison):
        answer = reply(liaison, instruction, text="已召开推进会。", file=SimpleUploadedFile("纪要.pdf", PDF))

        assert answer.department == liaison.department
        assert answer.evidence_name == "纪要.pdf"
        assert answer.evidence_type == "application/pdf"
        with answer.evidence.open("rb") as handle:
            assert handle.read() == PDF
        event = Event.objects.get(kind=EventKind.INSTRUCTION_REPLY)
        assert event.instruction == instruction
        assert event.actor == liaison
        assert notified(event) == {leader.username, office.username}

    def test_a_cooperating_departments_liaison_sees_it_but_may_not_reply(self, instruction, other_liaison):
        assert instructions_visible_to(other_liaison).filter(pk=instruction.pk).exists()
        with pytest.raises(NotPermitted):
            reply(other_liaison, instruction, text="已推进。")

    def test_a_liaison_of_a_department_not_on_the_task_gets_not_found(self, instruction, county_liaison):
        with pytest.raises(Instruction.DoesNotExist):
            reply(county_liaison, instruction, text="已推进。")

    @pytest.mark.parametrize("persona", ["office", "leader"])
    def test_office_staff_and_leaders_do_not_reply_for_the_department(self, request, instruction, persona):
        with pytest.raises(NotPermitted):
            reply(request.getfixturevalue(persona), instruction, text="已推进。")

    def test_a_bad_file_is_refused_and_nothing_is_written(self, instruction, liaison):
        with pytest.raises(ValidationError) as refusal:
            reply(liaison, instruction, text="已推进。", file=SimpleUploadedFile("a.pdf", b"<html></html>"))
        assert refusal.value.code == "markup"
        assert not InstructionReply.objects.exists()

    def test_a_failure_while_publishing_leaves_no_row_and_no_file(
        self, instruction, liaison, monkeypatch, settings
    ):
        from pathlib import Path

        def broken(*args, **kwargs):
            raise RuntimeError("down")

        monkeypatch.setattr("tasks.instructions.services.instructing.publish", broken)
        with pytest.raises(RuntimeError):
            reply(liaison, instruction, text="已推进。", file=SimpleUploadedFile("纪要.pdf", PDF))
        assert not InstructionReply.objects.exists()
        assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]

    def test_unanswered_until_the_department_replies(self, instruction, liaison, other_liaison, office):
        assert list(unanswered_for(liaison)) == [instruction]
        assert not unanswered_for(other_liaison).exists()
        assert not unanswered_for(office).exists()
        reply(liaison, instruction, text="已推进。")
        assert not unanswered_for(liaison).exists()


def test_nobody_sees_any_instruction(leader, insurance_task):
    give_instruction(leader, text="请推进。", task=insurance_task)
    assert not instructions_visible_to(UserFactory(username="nobody")).exists()
