"""Editing tasks: optimistic locking and the audit trail."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tasks.models import Task, TaskChange

# Fields office staff may change through update_task; the rest change through their own workflows.
EDITABLE_TASK_FIELDS = frozenset({"label", "section", "text", "status", "progress"})


class VersionConflict(Exception):
    """Someone saved the task after the editor loaded it; the editor's save was refused."""

    def __init__(self, current: Task, expected_version: int) -> None:
        self.current = current
        self.expected_version = expected_version
        super().__init__(
            _(
                "This task was changed by someone else (version %(expected)s → %(current)s) "
                "after you opened it. Your changes were not saved; review the current values and try again."
            )
            % {"expected": expected_version, "current": current.version}
        )


def _jsonable(value: Any) -> Any:
    return value if isinstance(value, (str, int, float, bool, type(None), list, dict)) else str(value)


@transaction.atomic
def update_task(task: Task, *, expected_version: int, user, **changes: Any) -> Task:
    """Change a task's fields if nobody else changed it since `expected_version`; record who did what."""
    unknown = set(changes) - EDITABLE_TASK_FIELDS
    if unknown:
        raise ValueError(f"fields not editable here: {', '.join(sorted(unknown))}")
    current = Task.objects.select_for_update().get(pk=task.pk)
    if current.version != expected_version:
        raise VersionConflict(current, expected_version)
    diff = {
        field: [_jsonable(getattr(current, field)), _jsonable(value)]
        for field, value in changes.items()
        if getattr(current, field) != value
    }
    # The version condition makes the write safe even where SELECT ... FOR UPDATE is a no-op (SQLite).
    updated = Task.objects.filter(pk=task.pk, version=expected_version).update(
        **changes, version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise VersionConflict(Task.objects.get(pk=task.pk), expected_version)
    if diff:
        TaskChange.objects.create(task=current, actor=user, action=TaskChange.Action.UPDATED, changes=diff)
    task.refresh_from_db()
    return task
