"""A policy document as imported: its header and its tasks as an outline (read-only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from tasks.models import Assignment, PolicyDocument, Task
from tasks.models.ledger import ROLE_RANK


def _responsibilities(task: Task) -> list[dict]:
    """Assignments grouped by role, strongest first; a collective name is one entry with its count."""
    by_role: dict[str, dict] = {}
    for assignment in sorted(task.assignments.all(), key=lambda a: (ROLE_RANK.get(a.role, 9), a.pk)):
        group = by_role.setdefault(
            assignment.role,
            {"label": assignment.get_role_display(), "departments": [], "collective": {}},
        )
        if assignment.collective_text:
            group["collective"].setdefault(assignment.collective_text, []).append(assignment.department.name)
        else:
            group["departments"].append(assignment.department.name)
    for group in by_role.values():
        group["collective"] = [
            {"text": text, "names": names, "count": len(names)} for text, names in group["collective"].items()
        ]
    return list(by_role.values())


@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(
        PolicyDocument.objects.visible_to(request.user).select_related("region", "imported_by"), pk=pk
    )
    tasks = (
        Task.objects.visible_to(request.user)
        .filter(document=document)
        .order_by("position")
        .prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.select_related("department")),
            "deadlines",
            "targets",
        )
    )
    tasks = list(tasks)
    # Indent relative to the shallowest task: headings like "一、" are sections, not tasks.
    top = min((len(t.outline_path or []) for t in tasks), default=0)
    rows, section = [], None
    for task in tasks:
        rows.append(
            {
                "task": task,
                "depth": min(max(len(task.outline_path or []) - top, 0), 3),
                # A heading where the section changes, as the document itself prints it.
                "section": task.section if task.section != section else None,
                "responsibilities": _responsibilities(task),
            }
        )
        section = task.section
    return render(request, "tasks/ledger/document_detail.html", {"document": document, "rows": rows})
