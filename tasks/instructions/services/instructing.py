"""Writing a 批示 and answering it (办理情况): each in one transaction with its event (消息).

A leader (a leader with a region, or a superuser) instructs on a task of their scope, answered by the
task's lead department, or on a department of their scope that has overdue tasks, answered by that
department. A liaison of the answering department replies, with an optional evidence file; office
staff do not reply on the department's behalf (tasks.access.can_reply). Refusals follow the rest of
the portal: out of scope is not found, a role that may not is `NotPermitted`, bad input a
`ValidationError` whose code names the field (text, file, department).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from regions.models import Department
from tasks.access import NotPermitted, may_instruct, require_instructor, require_replier
from tasks.instructions.services.queries import instructions_visible_to, overdue_tasks
from tasks.models import Assignment, EventKind, Instruction, InstructionReply, Task
from tasks.notices.services.events import Published, department_liaisons, publish, region_office
from tasks.reports.services.department import departments_in_scope
from tasks.uploads import check_evidence

__all__ = ["TEXT_MAX_CHARS", "give_instruction", "instruction_url", "reply"]

TEXT_MAX_CHARS = 2000


def clean_text(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write the text."), code="text")
    if len(text) > TEXT_MAX_CHARS:
        raise ValidationError(
            _("The text is %(length)s characters long; at most %(limit)s are allowed.")
            % {"length": len(text), "limit": TEXT_MAX_CHARS},
            code="text",
        )
    return text


def _leading(task: Task) -> list[tuple[int, str]]:
    """(department id, role) of the task's lead and co-lead departments, the lead first."""
    rows = Assignment.objects.filter(
        task_id=task.pk, role__in=[Assignment.Role.LEAD, Assignment.Role.CO_LEAD]
    )
    ranked = sorted(
        rows.values_list("department_id", "role", "pk"), key=lambda r: (r[1] != Assignment.Role.LEAD, r[2])
    )
    return [(department_id, role) for department_id, role, _pk in ranked]


def _short(task: Task) -> str:
    text = str(task)
    return text if len(text) <= 60 else text[:59] + "…"


def instruction_url(instruction: Instruction) -> str:
    """Where an instruction is read and answered: its task's page, or its own page."""
    if instruction.task_id:
        return reverse("task_detail", kwargs={"pk": instruction.task_id}) + "#instructions"
    return reverse("instruction_detail", kwargs={"pk": instruction.pk})


def _announce_instruction(
    instruction: Instruction, departments: list[int], region_id: int | None
) -> Published:
    with translation.override(settings.LANGUAGE_CODE):  # stored and sent for everyone
        if instruction.task_id:
            title = _("Leader's instruction: %(task)s") % {"task": _short(instruction.task)}
        else:
            title = _("Leader's instruction on the overdue tasks of %(department)s") % {
                "department": instruction.department.name
            }
    return publish(
        EventKind.INSTRUCTION,
        title=title,
        body=instruction.text,
        url=instruction_url(instruction),
        recipients=[*department_liaisons(departments), *region_office(region_id)],
        actor=instruction.author,
        region_id=region_id,
        department_ids=departments,
        task=instruction.task,
        instruction=instruction,
    )


def give_instruction(
    user: User,
    *,
    text: str,
    task: Task | None = None,
    department: Department | None = None,
    today: datetime.date | None = None,
) -> Instruction:
    """A leader's 批示 on `task` or on `department`'s overdue tasks (exactly one of them).

    On a task: the lead department answers (a co-lead when there is no lead); its liaisons, the
    co-leads' and the office of the task's document region are told. On a department: it must be in
    the leader's scope and have overdue tasks there; its liaisons and its region's office are told.
    """
    if (task is None) == (department is None):
        raise ValueError("give_instruction takes a task or a department, not both")
    if task is not None:
        require_instructor(user, task)  # not found out of scope, NotPermitted for other roles
        text = clean_text(text)
        leading = _leading(task)
        if not leading:
            raise ValidationError(
                _("The task has no lead department to answer an instruction."), code="department"
            )
        departments = [department_id for department_id, _role in leading]
        answering, region_id = departments[0], task.document.region_id
    else:
        if not departments_in_scope(user).filter(pk=department.pk).exists():
            raise Department.DoesNotExist(_("No such department."))
        if not may_instruct(user):
            raise NotPermitted(_("Only leaders write instructions (领导批示)."))
        text = clean_text(text)
        if not overdue_tasks(user, department, today).exists():
            raise ValidationError(
                _("%(department)s has no overdue tasks in your scope.") % {"department": department.name},
                code="department",
            )
        departments, answering, region_id = [department.pk], department.pk, department.region_id
    with transaction.atomic():
        instruction = Instruction.objects.create(task=task, department_id=answering, author=user, text=text)
        _announce_instruction(instruction, departments, region_id)
    return instruction


def _region_of(instruction: Instruction) -> int | None:
    if instruction.task_id:
        return instruction.task.document.region_id
    return instruction.department.region_id


def reply(user: User, instruction: Instruction, *, text: str, file=None) -> InstructionReply:
    """The answering department's 办理情况, with an optional evidence file (tasks.uploads.check_evidence).

    Told: the leader who wrote the instruction and the office of its region. An instruction the user
    does not see is not found; one of another department's is NotPermitted.
    """
    if not instructions_visible_to(user).filter(pk=instruction.pk).exists():
        raise Instruction.DoesNotExist(_("No such instruction."))
    require_replier(user, instruction)
    text = clean_text(text)
    checked = check_evidence(file) if file else None
    answer = InstructionReply(
        instruction=instruction, department_id=user.department_id, author=user, text=text
    )
    try:
        with transaction.atomic():
            if checked is not None:
                file.seek(0)
                answer.evidence_name = checked.safe_name
                answer.evidence_type = checked.content_type
                # The name only gives the suffix: reply_evidence_path() stores it under a random name.
                answer.evidence.save(f"upload{checked.extension}", File(file), save=False)
            answer.save()
            region_id = _region_of(instruction)
            with translation.override(settings.LANGUAGE_CODE):  # stored and sent for everyone
                title = _("Reply to your instruction: %(department)s") % {
                    "department": answer.department.name
                }
            publish(
                EventKind.INSTRUCTION_REPLY,
                title=title,
                body=text,
                url=instruction_url(instruction),
                recipients=[instruction.author, *region_office(region_id)],
                actor=user,
                region_id=region_id,
                task=instruction.task,
                instruction=instruction,
            )
    except BaseException:
        # The row is rolled back; the stored file is not part of the transaction.
        if answer.evidence:
            answer.evidence.storage.delete(answer.evidence.name)
        raise
    return answer
