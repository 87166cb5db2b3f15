"""A task's history (TaskChange) as people read it: each field's before and after."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from tasks.models import (
    Assignment,
    Deadline,
    Target,
    TaskChange,
    TaskStatus,
)
from tasks.models.audit import field_label
from tasks.numbers import plain_number

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
