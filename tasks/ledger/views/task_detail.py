"""The task page: the task, its parts, progress timeline, history and the forms a user may act with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import (
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from tasks.access import can_reply, edits_tasks_in_scope, leads, may_instruct, reporting_roles
from tasks.instructions.services.queries import task_instructions_prefetch
from tasks.ledger.forms import action_forms
from tasks.ledger.lights import light_for
from tasks.ledger.views.history import task_history
from tasks.models import (
    Assignment,
    Deadline,
    Evidence,
    ExtensionRequest,
    ProgressUpdate,
    Reminder,
    Target,
    TargetReading,
    Task,
    TaskChange,
    TaskStatus,
)
from tasks.models.ledger import ROLE_RANK
from tasks.reminders.services.record import reminder_record

# Siblings shown on either side of a task on its page; the document page has the whole outline.
SIBLING_WINDOW = 5

# The task page ----------------------------------------------------------------------------------


@dataclass
class RoleGroup:
    role: str
    label: str
    departments: list[Assignment]
    # (collective text as written, the departments it stands for)
    collective: list[tuple[str, list[Assignment]]]


def _role_groups(assignments: list[Assignment]) -> list[RoleGroup]:
    groups: dict[str, RoleGroup] = {}
    collective: dict[tuple[str, str], list[Assignment]] = {}
    for assignment in sorted(assignments, key=lambda a: (ROLE_RANK.get(a.role, 9), a.pk)):
        group = groups.setdefault(
            assignment.role, RoleGroup(assignment.role, assignment.get_role_display(), [], [])
        )
        if assignment.collective_text:
            key = (assignment.role, assignment.collective_text)
            if key not in collective:
                collective[key] = []
                group.collective.append((assignment.collective_text, collective[key]))
            collective[key].append(assignment)
        else:
            group.departments.append(assignment)
    return list(groups.values())


def _outline_context(request: HttpRequest, task: Task) -> dict[str, Any]:
    """Parent, siblings around the task and children, only those the user may see, in one query."""
    # Top-level tasks of a long document are many; those of the same section are the neighbours.
    same_parent = (
        Q(parent_id=task.parent_id) if task.parent_id else Q(parent__isnull=True, section=task.section)
    )
    related = list(
        Task.objects.visible_to(request.user)
        .filter(document_id=task.document_id)
        .filter(Q(pk=task.parent_id) | same_parent | Q(parent_id=task.pk))
        .order_by("position")
        .only("pk", "label", "text", "position", "parent_id", "section", "status")
    )
    parent = next((t for t in related if t.pk == task.parent_id), None)
    children = [t for t in related if t.parent_id == task.pk and t.pk != task.pk]
    siblings = [
        t
        for t in related
        if t.parent_id == task.parent_id
        and t.pk != task.parent_id
        and (task.parent_id or t.section == task.section)
    ]
    index = next((i for i, t in enumerate(siblings) if t.pk == task.pk), 0)
    start = max(index - SIBLING_WINDOW, 0)
    return {
        "parent": parent,
        "children": children,
        "siblings": siblings[start : index + SIBLING_WINDOW + 1],
        "more_siblings": len(siblings) > 2 * SIBLING_WINDOW + 1,
    }


def _count(rows: QuerySet) -> Subquery:
    return Subquery(
        rows.order_by().annotate(n=Func("pk", function="COUNT")).values("n"), output_field=IntegerField()
    )


def _failed_reminders() -> Subquery:
    """Reminders about the task (its own, and digests listing it) that could not be emailed: shown to
    the office on the task page. Two index-driven counts inside the page's one task query."""
    failed = Reminder.Status.FAILED
    own = Reminder.objects.filter(task_id=OuterRef("pk"), status=failed)
    digests = Reminder.tasks.through.objects.filter(task_id=OuterRef("pk"), reminder__status=failed)
    return _count(own) + _count(digests)


def _detail_queryset(user) -> QuerySet[Task]:
    return (
        Task.objects.visible_to(user)
        .with_schedule()
        .annotate(failed_reminders=_failed_reminders())
        .select_related("document", "document__region", "parent")
        .prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.select_related("department")),
            Prefetch("deadlines", queryset=Deadline.objects.order_by(*Deadline.ORDER)),
            Prefetch("targets", queryset=Target.objects.order_by("pk")),
            Prefetch(
                "progress_updates",
                queryset=ProgressUpdate.objects.select_related("author", "department").prefetch_related(
                    Prefetch("readings", queryset=TargetReading.objects.select_related("target")),
                    Prefetch("evidence", queryset=Evidence.objects.order_by("pk")),
                ),
            ),
            Prefetch(
                "extension_requests",
                queryset=ExtensionRequest.objects.select_related(
                    "department", "requested_by", "reviewed_by", "deadline"
                ),
            ),
            Prefetch("changes", queryset=TaskChange.objects.select_related("actor")),
            # 领导批示 and their replies: the panel and the history (two queries).
            task_instructions_prefetch(),
        )
    )


def action_flags(user, task: Task) -> dict[str, bool]:
    """What the actions panel offers this user on this task.

    The task came from `visible_to(user)` with its assignments prefetched, so the role rules of
    `tasks.access` apply without another query (the page's query count is pinned). They
    only decide what is shown: every action's service checks again.
    """
    active = bool(user.is_authenticated and user.is_active)
    roles = reporting_roles(user, task.assignments.all())
    can_edit = edits_tasks_in_scope(user)
    can_report = bool(roles)
    return {
        "can_edit": can_edit,
        "can_report": can_report,
        "is_lead_liaison": can_report and leads(roles),
        "read_only": not (can_edit or can_report),
        "is_leader": active and user.is_leader,
    }


def verification_evidence(updates: list[ProgressUpdate]) -> list[tuple[ProgressUpdate, list[Evidence], bool]]:
    """What the office verifies against: each report with files, newest first, and whether it is the
    completion request itself (the newest report awaiting verification). From the prefetched updates:
    no query."""
    request = next((u for u in updates if u.status == TaskStatus.PENDING_VERIFICATION), None)
    rows = []
    for update in updates:
        files = list(update.evidence.all())
        if files:
            rows.append((update, files, update is request))
    return rows


def render_task_page(
    request: HttpRequest, pk: int, *, bound: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """The task page; `bound` holds a workflow form the user posted, shown again with its input and errors."""
    task = get_object_or_404(_detail_queryset(request.user), pk=pk)
    targets = list(task.targets.all())
    deadlines = list(task.deadlines.all())
    extensions = list(task.extension_requests.all())
    targets_by_id = {str(target.pk): target for target in targets}
    instructions = list(task.instructions.all())
    history = task_history(task.changes.all(), instructions, targets_by_id)
    flags = action_flags(request.user, task)
    pending = [e for e in extensions if e.status == ExtensionRequest.Status.PENDING]
    # 催办记录 is the office's: who was reminded, through what, delivered, read.
    record = reminder_record(task) if flags["can_edit"] else []
    updates = list(task.progress_updates.all())
    pending_verification = task.status == TaskStatus.PENDING_VERIFICATION
    return render(
        request,
        "tasks/ledger/task_detail.html",
        {
            "task": task,
            "document": task.document,
            "light": light_for(task),
            "role_groups": _role_groups(list(task.assignments.all())),
            "deadlines": deadlines,
            "targets": targets,
            "updates": updates,
            "extensions": extensions,
            "history": history,
            "reminder_record": record,
            # Who may do what here comes from the loaded rows: no query (the page's count is pinned).
            "instructions": [(i, can_reply(request.user, i)) for i in instructions],
            "may_instruct": may_instruct(request.user),
            "outline": _outline_context(request, task),
            "actions": flags,
            "pending_extensions": pending,
            "pending_verification": pending_verification,
            # The document is loaded with the task (select_related): no query.
            "evidence_required": task.evidence_required,
            "verification_evidence": (
                verification_evidence(updates) if pending_verification and flags["can_edit"] else []
            ),
            **action_forms(
                task, targets=targets, deadlines=deadlines, pending_extensions=pending, bound=bound
            ),
        },
        status=status,
    )


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One task in its outline context, with who does it, by when, its targets, progress and history,
    and the forms of the workflows the user may run on it."""
    return render_task_page(request, pk)
