"""A policy document as imported: its header and its tasks as an outline (read-only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from tasks.ledger.files import document_file_response
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
    rows = _outline_rows(tasks, document.outline or [])
    return render(request, "tasks/ledger/document_detail.html", {"document": document, "rows": rows})


@login_required
def document_original(request: HttpRequest, pk: int) -> FileResponse:
    """The file as it was uploaded, for those who may see the document (404 otherwise)."""
    return document_file_response(request.user, pk)


def _outline_rows(tasks: list[Task], outline: list[dict]) -> list[dict]:
    """The tasks in order, each preceded by the headings above it not printed yet.

    With the outline the import stored, every level shows ("二、" above "（一）" above "1."), so a task
    never reads as if under the previous item; headings that are tasks themselves print as tasks.
    Documents imported before the outline was kept show their sections only.
    """
    headings = {tuple(node["path"]): node for node in outline if node.get("path")}
    task_paths = {tuple(task.outline_path) for task in tasks if task.outline_path}
    # Indent relative to the shallowest task when only sections are known.
    top = 1 if headings else min((len(t.outline_path or []) for t in tasks), default=0)
    rows, printed, section = [], set(), None
    for task in tasks:
        path = tuple(task.outline_path or [])
        heads = []
        if headings:
            for depth in range(1, len(path)):
                prefix = path[:depth]
                node = headings.get(prefix)
                if node is None or prefix in task_paths or prefix in printed:
                    continue
                printed.add(prefix)
                heads.append({"label": node["label"], "heading": node["heading"], "depth": min(depth - 1, 3)})
        elif task.section != section:
            # A heading where the section changes, as the document itself prints it.
            heads.append({"label": "", "heading": task.section, "depth": 0})
        section = task.section
        rows.append(
            {
                "task": task,
                "headings": heads,
                "depth": min(max(len(path) - top, 0), 3),
                "responsibilities": _responsibilities(task),
            }
        )
    return rows
