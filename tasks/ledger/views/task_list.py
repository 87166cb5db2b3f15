"""The task list (任务清单): the shared TaskFilterSet, sort headers, bounded pages, swapped by htmx."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page
from django.db.models import (
    Prefetch,
    QuerySet,
)
from django.forms import CheckboxSelectMultiple
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tasks.ledger.filtersets import TaskFilterSet
from tasks.ledger.lights import attach_lights
from tasks.ledger.widgets import PlainSelect
from tasks.models import (
    Assignment,
    Task,
)
from tasks.models.ledger import LEADING_ROLES, ROLE_RANK
from tasks.pagination import BoundedPaginator
from tasks.periods.services.as_of import as_of_closing, freeze_tasks

PAGE_SIZE = 50
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


def lead_names(assignments: list[Assignment]) -> list[str]:
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


def page_queryset(tasks: QuerySet[Task]) -> QuerySet[Task]:
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
    # ?as_of=YYYY-MM: the page's rows as frozen when the period was closed (the filters stay live).
    as_of, closing, as_of_error = (request.GET.get("as_of") or "").strip(), None, None
    if as_of:
        try:
            closing = as_of_closing(request.user, as_of)
        except ValidationError as error:
            as_of_error = " ".join(error.messages)
    filterset = filtered_tasks(request, today)
    _style_filter_form(filterset.form)
    paginator = BoundedPaginator(page_queryset(filterset.qs), PAGE_SIZE)
    page: Page = paginator.get_page(request.GET.get("page"))
    tasks = attach_lights(page.object_list, today)
    for task in tasks:
        task.lead_names = lead_names(task.leading_assignments)
    if closing is not None:
        freeze_tasks(closing, tasks)
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
            "as_of": as_of if closing is not None else "",
            "closing": closing,
            "as_of_error": as_of_error,
        },
    )
