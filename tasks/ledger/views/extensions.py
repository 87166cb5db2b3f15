"""延期申请 as a list: the requests of the user's scope, pending first by default, each linked to the
task page where the office decides it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tasks.access import edits_tasks_in_scope
from tasks.models import ExtensionRequest, Task

PAGE_SIZE = 50
STATUSES = [value for value, _label in ExtensionRequest.Status.choices]


@login_required
@require_GET
def extension_list(request: HttpRequest) -> HttpResponse:
    """Everyone sees the requests on the tasks they see; office staff decide them on the task page."""
    status = request.GET.get("status", ExtensionRequest.Status.PENDING)
    if status not in [*STATUSES, "all"]:
        status = ExtensionRequest.Status.PENDING
    rows = ExtensionRequest.objects.filter(task__in=Task.objects.visible_to(request.user).values("pk"))
    if status != "all":
        rows = rows.filter(status=status)
    rows = rows.select_related("task", "department", "requested_by", "reviewed_by").order_by(
        "created_at", "pk"
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "tasks/ledger/extension_list.html",
        {
            "page": page,
            "status": status,
            "statuses": ExtensionRequest.Status.choices,
            "can_decide": edits_tasks_in_scope(request.user),
        },
    )
