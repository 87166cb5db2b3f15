"""Which instructions a user sees, which await their department's reply, and what the pages load.

An instruction on a task is seen by whoever sees the task (`Task.objects.visible_to`), so the task
page shows every department on the task what the leader asked. An instruction on a department's
overdue tasks (no task) is seen by those who see the department: office staff and leaders of its
region and above, and its own liaisons.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from regions.models import Department, Region
from tasks.access import scope_of
from tasks.models import Assignment, Instruction, InstructionReply, Task
from tasks.models.ledger import DOCUMENT_ORDER, LEADING_ROLES, overdue_q

__all__ = [
    "answered",
    "instructions_visible_to",
    "overdue_tasks",
    "task_instructions_prefetch",
    "unanswered_for",
    "with_replies",
]


def instructions_visible_to(user) -> QuerySet[Instruction]:
    """The one scope rule of instructions; every page and endpoint starts here (404 outside it)."""
    scope = scope_of(user)
    if scope.nothing:
        return Instruction.objects.none()
    if scope.everything:
        return Instruction.objects.all()
    on_tasks = Q(task__in=Task.objects.visible_to(user).values("pk"))
    if scope.region_id:
        on_list = Q(task__isnull=True, department__region__in=Region.objects.subtree(scope.region_id))
    else:
        on_list = Q(task__isnull=True, department_id=scope.department_id)
    return Instruction.objects.filter(on_tasks | on_list)


def answered() -> Exists:
    """Whether the answering department has replied (a reply by another department does not count)."""
    return Exists(
        InstructionReply.objects.filter(instruction=OuterRef("pk"), department_id=OuterRef("department_id"))
    )


def unanswered_for(user) -> QuerySet[Instruction]:
    """For a liaison: the instructions their department answers and has not replied to yet, newest
    first; nothing for anyone else (the inbox's 待办)."""
    department_id = scope_of(user).department_id
    if not department_id:
        return Instruction.objects.none()
    return (
        instructions_visible_to(user)
        .filter(department_id=department_id)
        .exclude(
            Exists(InstructionReply.objects.filter(instruction=OuterRef("pk"), department_id=department_id))
        )
        .order_by("-created_at", "-pk")
    )


def _replies() -> Prefetch:
    return Prefetch(
        "replies",
        queryset=InstructionReply.objects.select_related("author", "department").order_by("created_at", "pk"),
    )


def with_replies(instructions: QuerySet[Instruction]) -> QuerySet[Instruction]:
    """What a list of instructions shows: task, department, leader and the replies (two queries)."""
    return instructions.select_related("task", "department", "author").prefetch_related(_replies())


def task_instructions_prefetch() -> Prefetch:
    """The task page's instructions with their replies: two queries however many there are."""
    return Prefetch(
        "instructions",
        queryset=Instruction.objects.select_related("author", "department")
        .prefetch_related(_replies())
        .order_by("-created_at", "-pk"),
    )


def overdue_tasks(user, department: Department, today: datetime.date | None = None) -> QuerySet[Task]:
    """The tasks in the user's scope the department leads or co-leads that are overdue: the
    dashboard's "overdue" of a lead department, which links here."""
    today = today or timezone.localdate()
    leading = Assignment.objects.filter(
        task=OuterRef("pk"), department_id=department.pk, role__in=LEADING_ROLES
    )
    return (
        Task.objects.visible_to(user)
        .filter(overdue_q(today))
        .filter(Exists(leading))
        .select_related("document")
        .order_by(*DOCUMENT_ORDER)
    )
