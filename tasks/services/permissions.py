"""Who may do what to a task. Services check these; views and the API use them to show or hide actions.

Scope comes first: a task outside `Task.objects.visible_to(user)` does not exist for that user (pages
answer 404). Within scope, a role that may not perform an action gets `NotPermitted` (pages answer 403).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from tasks.models import Assignment, Task

__all__ = [
    "NotPermitted",
    "can_edit_task",
    "edits_tasks_in_scope",
    "reporting_roles",
    "can_report_on",
    "can_view_task",
    "get_task_for",
    "require_editor",
    "require_reporter",
    "require_visible",
]


class NotPermitted(PermissionDenied):
    """The user sees the task but their role may not do this; carries a message for the page."""

    def __init__(self, message: str | None = None) -> None:
        self.message = message or _("You are not allowed to do this.")
        super().__init__(self.message)

    def __str__(self) -> str:
        return str(self.message)


def _active(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_view_task(user, task: Task) -> bool:
    """Whether the task is within the user's scope (one query)."""
    return _active(user) and Task.objects.visible_to(user).filter(pk=task.pk).exists()


def edits_tasks_in_scope(user) -> bool:
    """The role half of can_edit_task: whether the user edits the tasks of their scope."""
    return _active(user) and (user.is_superuser or (user.is_office and user.region_id is not None))


def reporting_roles(user, assignments: Iterable[Assignment]) -> set[str]:
    """The roles in which a liaison's department holds these (already loaded) assignments of a task;
    empty when the user is not a liaison or the department is not assigned, so may not report."""
    if not (_active(user) and user.is_liaison and user.department_id):
        return set()
    return {a.role for a in assignments if a.department_id == user.department_id}


def can_edit_task(user, task: Task) -> bool:
    """Office staff whose scope includes the task, and superusers, edit it; nobody else."""
    if not edits_tasks_in_scope(user):
        return False
    return user.is_superuser or can_view_task(user, task)


def can_report_on(user, task: Task) -> bool:
    """A liaison reports on tasks assigned (in any role) to their department."""
    if not (_active(user) and user.is_liaison and user.department_id):
        return False
    return Assignment.objects.filter(task_id=task.pk, department_id=user.department_id).exists()


def get_task_for(user, pk: int) -> Task:
    """The task if the user may see it; Task.DoesNotExist otherwise, so that views answer 404."""
    return Task.objects.visible_to(user).get(pk=pk)


def require_visible(user, task: Task) -> None:
    """Out of scope behaves as not found, even when a caller already holds the object."""
    if not can_view_task(user, task):
        raise Task.DoesNotExist(_("No such task."))


def require_editor(user, task: Task) -> None:
    """Office staff in scope (or a superuser); others in scope get NotPermitted, the rest not found."""
    if can_edit_task(user, task):
        return
    require_visible(user, task)
    if user.is_liaison:
        raise NotPermitted(_("Liaisons report progress; only the reform office changes the task itself."))
    raise NotPermitted(_("Only reform office staff may change tasks."))


def require_reporter(user, task: Task, *, office_too: bool = True) -> None:
    """A liaison of an assigned department, or (when office_too) office staff who may edit the task."""
    if can_report_on(user, task) or (office_too and can_edit_task(user, task)):
        return
    require_visible(user, task)
    if user.is_leader:
        raise NotPermitted(_("Leaders have read-only access."))
    raise NotPermitted(_("Only a liaison of a department assigned to this task may report on it."))
