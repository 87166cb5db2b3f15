"""The task list, a liaison's own tasks (我的任务) and the task page.

Every query starts from `Task.objects.visible_to(request.user)`: a task outside it is not listed,
not counted, not exported, and its page answers 404. Each view declares its select/prefetch so that
the number of queries does not grow with the number of rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page
from django.db.models import (
    Case,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.forms import CheckboxSelectMultiple
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tasks.access import edits_tasks_in_scope, leads, navigation, reporting_roles
from tasks.ledger.filtersets import TaskFilterSet
from tasks.ledger.forms import action_forms
from tasks.ledger.lights import attach_lights, light_for
from tasks.ledger.widgets import PlainSelect
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
from tasks.models.audit import field_label
from tasks.models.ledger import CLOSED_STATUSES, DOCUMENT_ORDER, LEADING_ROLES, ROLE_RANK, UPCOMING_DAYS
from tasks.numbers import plain_number
from tasks.pagination import BoundedPaginator

PAGE_SIZE = 50
# Siblings shown on either side of a task on its page; the document page has the whole outline.
SIBLING_WINDOW = 5

# Sortable columns of the list: (ordering value, header).
SORTABLE = {
    "position": gettext_lazy("Document order"),
    "due_on": gettext_lazy("Due date"),
    "status": gettext_lazy("Status"),
    "progress": gettext_lazy("Progress"),
    "updated_at": gettext_lazy("Last updated"),
}


def filtered_tasks(request: HttpRequest, today: datetime.date) -> TaskFilterSet:
    """The list's FilterSet for this request: the page and its Excel export read the same one."""
    tasks = Task.objects.visible_to(request.user).with_schedule(today)
    return TaskFilterSet(request.GET, tasks, request=request, today=today)


# The selects with many options: rendered without a template per option.
PLAIN_SELECTS = ("document", "region", "department", "lead_department")


def _style_filter_form(form) -> None:
    """Bootstrap classes on the FilterSet's widgets (the FilterSet itself stays presentation-free)."""
    for name, field in form.fields.items():
        widget = field.widget
        if name == "status":
            field.widget = CheckboxSelectMultiple(choices=field.choices, attrs={"class": "form-check-input"})
        elif name in ("due_after", "due_before"):
            widget.input_type = "date"
            widget.attrs["class"] = "form-control form-control-sm"
        elif name in PLAIN_SELECTS:
            field.widget = PlainSelect(
                choices=field.choices, attrs={**widget.attrs, "class": "form-select form-select-sm"}
            )
        elif widget.input_type == "select":
            widget.attrs["class"] = "form-select form-select-sm"
        else:
            widget.attrs["class"] = "form-control form-control-sm"
    form.fields["q"].widget.attrs["placeholder"] = _("Task text, department, 文号…")
    form.fields["due_within"].widget.attrs["min"] = "0"


def _sort_headers(request: HttpRequest) -> dict[str, dict[str, Any]]:
    """For each sortable column: the ordering a click asks for and the arrow to show now."""
    current = request.GET.get("ordering", "").split(",")[0]
    headers = {}
    for name, label in SORTABLE.items():
        if current == name:
            headers[name] = {"label": label, "next": f"-{name}", "arrow": "up"}
        elif current == f"-{name}":
            headers[name] = {"label": label, "next": name, "arrow": "down"}
        else:
            headers[name] = {"label": label, "next": name, "arrow": ""}
    return headers


def _leading(assignments: list[Assignment]) -> list[str]:
    """Lead then co-lead names; a collective assignee is named once, as written."""
    names: list[str] = []
    ranked = sorted(
        (a for a in assignments if a.role in LEADING_ROLES), key=lambda a: (ROLE_RANK.get(a.role, 9), a.pk)
    )
    for assignment in ranked:
        name = assignment.collective_text or assignment.department.name
        if name not in names:
            names.append(name)
    return names


def _page_queryset(tasks: QuerySet[Task]) -> QuerySet[Task]:
    # Not the document's extracted text (it may run to megabytes), which the list never shows.
    return (
        tasks.select_related("document")
        .defer("document__text")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(role__in=LEADING_ROLES).select_related("department"),
                to_attr="leading_assignments",
            )
        )
    )


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    """Filters, a sortable table with traffic lights, pages of PAGE_SIZE and the Excel export link."""
    today = timezone.localdate()
    filterset = filtered_tasks(request, today)
    _style_filter_form(filterset.form)
    paginator = BoundedPaginator(_page_queryset(filterset.qs), PAGE_SIZE)
    page: Page = paginator.get_page(request.GET.get("page"))
    tasks = attach_lights(page.object_list, today)
    for task in tasks:
        task.lead_names = _leading(task.leading_assignments)
    return render(
        request,
        "tasks/ledger/task_list.html",
        {
            "filterset": filterset,
            "form": filterset.form,
            "page": page,
            "tasks": tasks,
            "paginator": paginator,
            "sort": _sort_headers(request),
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "today": today,
        },
    )


# 我的任务 ---------------------------------------------------------------------------------------


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    """A liaison's department's tasks: leading first, then cooperating; open before closed, by urgency."""
    user = request.user
    if not navigation(user).my_tasks:
        # Office staff and leaders work from the whole list; the nav shows them no "My tasks".
        return redirect("task_list")
    today = timezone.localdate()
    mine = Assignment.objects.filter(task=OuterRef("pk"), department_id=user.department_id)
    role = Subquery(mine.values("role")[:1])
    tasks = (
        Task.objects.visible_to(user)
        .with_schedule(today)
        .annotate(
            my_role=role,
            my_collective=Subquery(mine.values("collective_text")[:1]),
            # Lead and co-lead alike come first: both answer for the task.
            role_rank=Case(When(my_role__in=LEADING_ROLES, then=Value(0)), default=Value(1)),
            closed=Case(When(status__in=CLOSED_STATUSES, then=Value(True)), default=Value(False)),
        )
        .order_by(
            "role_rank",
            "closed",
            F("is_overdue").desc(),
            F("next_due_on").asc(nulls_last=True),
            F("due_on").asc(nulls_last=True),
            *DOCUMENT_ORDER,
        )
    )
    tasks = attach_lights(_page_queryset(tasks), today)
    soon = today + datetime.timedelta(days=UPCOMING_DAYS)
    leading, cooperating = [], []
    counts = {"total": len(tasks), "overdue": 0, "due_soon": 0}
    for task in tasks:
        task.lead_names = _leading(task.leading_assignments)
        task.my_role_label = Assignment.Role(task.my_role).label if task.my_role else ""
        task.due_soon = (
            not task.is_overdue
            and task.status not in CLOSED_STATUSES
            and task.next_due_on is not None
            and task.next_due_on <= soon
        )
        task.days_left = (task.next_due_on - today).days if task.next_due_on else None
        counts["overdue"] += bool(task.is_overdue)
        counts["due_soon"] += task.due_soon
        (leading if task.my_role in LEADING_ROLES else cooperating).append(task)
    return render(
        request,
        "tasks/ledger/my_tasks.html",
        {
            "department": user.department,
            "groups": [
                {"title": _("Tasks we lead"), "tasks": leading, "key": "leading"},
                {"title": _("Tasks we cooperate on"), "tasks": cooperating, "key": "cooperating"},
            ],
            "counts": counts,
            "due_days": UPCOMING_DAYS,
            "today": today,
        },
    )


# History ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    """One field of a TaskChange as the page shows it: label, before and after, in words."""

    label: str
    before: str
    after: str


def _choice(choices: type, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _readable(field: str, value: Any) -> str:
    """An audit value (JSON as the services wrote it) in words."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if field == "status":
        return _choice(TaskStatus, value)
    if field == "progress":
        return f"{value}%"
    if field == "deadlines" and isinstance(value, list):
        return "；".join(
            f"{d.get('text', '')}（{d.get('due_on') or _choice(Deadline.Kind, d.get('kind'))}）"
            for d in value
        )
    if field == "assignments" and isinstance(value, list):
        return "、".join(f"{a.get('name', '')}（{_choice(Assignment.Role, a.get('role'))}）" for a in value)
    if field == "targets" and isinstance(value, list):
        return "；".join(str(t.get("text", "")) for t in value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return "、".join(_readable(field, item) for item in value)
    if isinstance(value, dict):
        return "；".join(f"{key}: {_readable(key, item)}" for key, item in value.items())
    if isinstance(value, int | float):
        return plain_number(value)
    return str(value)


def describe_change(change: TaskChange, targets_by_id: dict[str, Target]) -> list[FieldChange]:
    """Each field of a recorded change, before → after, in the reader's language."""
    rows: list[FieldChange] = []
    for field, pair in (change.changes or {}).items():
        if field == "targets.latest_actual" and isinstance(pair, dict):
            # {target id: [before, after]}: one line per target, named by its metric.
            for target_id, values in pair.items():
                target = targets_by_id.get(str(target_id))
                name = (target.metric or target.text) if target else f"#{target_id}"
                before, after = values if isinstance(values, list) and len(values) == 2 else (None, values)
                rows.append(
                    FieldChange(
                        _("Actual of “%(target)s”") % {"target": name},
                        "—" if before is None else plain_number(before),
                        "—" if after is None else plain_number(after),
                    )
                )
            continue
        before, after = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
        rows.append(FieldChange(field_label(field), _readable(field, before), _readable(field, after)))
    return rows


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


def render_task_page(
    request: HttpRequest, pk: int, *, bound: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """The task page; `bound` holds a workflow form the user posted, shown again with its input and errors."""
    task = get_object_or_404(_detail_queryset(request.user), pk=pk)
    targets = list(task.targets.all())
    deadlines = list(task.deadlines.all())
    extensions = list(task.extension_requests.all())
    targets_by_id = {str(target.pk): target for target in targets}
    history = [(change, describe_change(change, targets_by_id)) for change in task.changes.all()]
    flags = action_flags(request.user, task)
    pending = [e for e in extensions if e.status == ExtensionRequest.Status.PENDING]
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
            "updates": list(task.progress_updates.all()),
            "extensions": extensions,
            "history": history,
            "outline": _outline_context(request, task),
            "actions": flags,
            "pending_extensions": pending,
            "pending_verification": task.status == TaskStatus.PENDING_VERIFICATION,
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
