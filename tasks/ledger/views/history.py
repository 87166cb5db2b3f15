"""A task's history as people read it: each TaskChange with its fields' before and after, and the
leaders' instructions (领导批示) and replies on the task among them.

Instructions are merged here rather than written as TaskChange rows too: the Instruction and
InstructionReply rows already say who wrote what and when, the task page loads them anyway for its
panel (no extra query), and a copy in the audit trail could drift from them.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from tasks.models import (
    Assignment,
    Deadline,
    Instruction,
    Target,
    TaskChange,
    TaskStatus,
)
from tasks.models.audit import field_label
from tasks.models.ledger import EvidenceRule
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
    if field == "completion_evidence":
        return _choice(EvidenceRule, value)
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


@dataclass(frozen=True)
class HistoryEntry:
    """One line of the history: when, who, what happened, the fields it changed and its note."""

    at: datetime.datetime
    actor: Any
    action: str
    fields: list[FieldChange] = dataclasses.field(default_factory=list)
    note: str = ""
    kind: str = "change"


def task_history(
    changes: Iterable[TaskChange], instructions: Iterable[Instruction], targets_by_id: dict[str, Target]
) -> list[HistoryEntry]:
    """The task's changes and its instructions with their replies (all prefetched), newest first."""
    entries = [
        HistoryEntry(
            change.created_at,
            change.actor,
            change.get_action_display(),
            describe_change(change, targets_by_id),
            change.note,
        )
        for change in changes
    ]
    for instruction in instructions:
        entries.append(
            HistoryEntry(
                instruction.created_at,
                instruction.author,
                _("Leader's instruction to %(department)s") % {"department": instruction.department.name},
                note=instruction.text,
                kind="instruction",
            )
        )
        for answer in instruction.replies.all():
            entries.append(
                HistoryEntry(
                    answer.created_at,
                    answer.author,
                    _("Reply to the instruction by %(department)s") % {"department": answer.department.name},
                    note=answer.text,
                    kind="instruction-reply",
                )
            )
    # A stable sort: changes of the same moment keep their order (newest pk first).
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries
