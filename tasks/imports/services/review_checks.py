"""What a reviewed draft still lacks: names no department stands for, and names typed that match nothing."""

from __future__ import annotations

from django.utils.translation import gettext as _


def task_label(index: int, task: dict) -> str:
    return _("Task %(index)s (%(number)s)") % {"index": index + 1, "number": task.get("number") or "—"}


def unknown_department_message(where: str, name: str) -> str:
    return _(
        "%(where)s: “%(name)s” is not a known department; choose one from the list or leave the field empty."
    ) % {"where": where, "name": name}


def review_problems(draft: dict) -> list[str]:
    """What stops a reviewed draft from being confirmed beyond the import's own validation."""
    return [
        unknown_department_message(task_label(index, task), assignee["department_input"])
        for index, task in enumerate(draft.get("tasks", []))
        for assignee in task.get("assignees", [])
        if assignee.get("department_input") and assignee.get("department_id") is None
    ]


def unmatched_names(draft: dict) -> list[str]:
    """Names as written that no department stands for; the import skips them."""
    names = {
        a.get("text", "")
        for t in draft.get("tasks", [])
        for a in t.get("assignees", [])
        if a.get("department_id") is None
    }
    return sorted(filter(None, names))
