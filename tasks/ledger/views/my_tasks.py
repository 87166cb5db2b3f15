"""我的任务: a liaison's department's tasks, leading first, by urgency."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.db.models import (
    Case,
    F,
    OuterRef,
    Subquery,
    Value,
    When,
)
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tasks.access import navigation
from tasks.ledger.lights import attach_lights
from tasks.ledger.views.task_list import lead_names, page_queryset
from tasks.models import (
    Assignment,
    Task,
)
from tasks.models.ledger import CLOSED_STATUSES, DOCUMENT_ORDER, LEADING_ROLES, UPCOMING_DAYS

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
    tasks = attach_lights(page_queryset(tasks), today)
    soon = today + datetime.timedelta(days=UPCOMING_DAYS)
    leading, cooperating = [], []
    counts = {"total": len(tasks), "overdue": 0, "due_soon": 0}
    for task in tasks:
        task.lead_names = lead_names(task.leading_assignments)
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
