"""Tasks as rows for the workbooks: the one query layer under the task-list export, the department
report and the office ledger (the builders in tasks/workbooks are pure and take the rows).

A caller walks its tasks `CHUNK_SIZE` at a time (`chunks`) and asks `load_parts` for what its rows
show of those tasks: one query per part (assignments, deadlines, targets, the latest progress update,
evidence counts; the leaders' instructions take two, with their replies), plain values rather than model instances, so a 100,000-row workbook costs a few
queries per 2,000 tasks and holds one chunk at a time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.db import connection
from django.db.models import Count, F, Lookup, Q
from django.db.models.expressions import Window
from django.db.models.functions import RowNumber

from tasks.models import Assignment, Deadline, Evidence, Instruction, InstructionReply, ProgressUpdate, Target
from tasks.models.ledger import LEADING_ROLES

__all__ = ["CHUNK_SIZE", "TASK_COLUMNS", "TaskParts", "among", "chunks", "department_names", "load_parts"]

# Tasks per chunk: each chunk costs the same few queries, and only one chunk is held at a time.
CHUNK_SIZE = 2000
# What a workbook row shows of the task itself, as plain columns (no model instances, and never the
# document's extracted text, which may run to megabytes).
TASK_COLUMNS = (
    "pk",
    "document__title",
    "document__doc_number",
    "label",
    "text",
    "due_on",
    "status",
    "progress",
)
# The leading roles (LEADING_ROLES, lead before co-lead) as the plain strings the rows hold.
_LEAD, _CO_LEAD = (str(role.value) for role in LEADING_ROLES)


class _AnyOf(Lookup):
    """`column = ANY(%s)` with the ids as one array: IN takes a parameter per id, and Django and
    psycopg prepare thousands of them one by one for every query of every chunk."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        # An array literal joined here: psycopg would dump a list element by element in Python.
        return f"{lhs} = ANY(%s::bigint[])", (*params, "{" + ",".join(map(str, self.rhs)) + "}")


def among(field_name: str, ids: Sequence[int]):
    """A filter on `field_name` being one of `ids` (an array on PostgreSQL, IN elsewhere)."""
    if connection.vendor == "postgresql":
        return _AnyOf(F(field_name), list(ids))
    return Q(**{f"{field_name}__in": ids})


def chunks(items: Iterable, size: int = CHUNK_SIZE) -> Iterator[list]:
    """The items (a queryset's iterator, say) `size` at a time."""
    source = iter(items)
    while chunk := list(islice(source, size)):
        yield chunk


def _by_task(rows: Iterable[tuple]) -> defaultdict[int, list[tuple]]:
    grouped: defaultdict[int, list[tuple]] = defaultdict(list)
    for task_id, *rest in rows:
        grouped[task_id].append(tuple(rest))
    return grouped


@dataclass
class TaskParts:
    """What hangs off a chunk of tasks, by task id; a part not asked for stays empty."""

    # (role, collective text, department name), in entry order.
    assignments: dict[int, list[tuple]] = field(default_factory=dict)
    # The deadlines' words, in entry order.
    deadlines: dict[int, list[str]] = field(default_factory=dict)
    # The target columns asked for, in entry order.
    targets: dict[int, list[tuple]] = field(default_factory=dict)
    # (created_at, narrative) of each task's latest progress update.
    latest: dict[int, tuple[Any, str]] = field(default_factory=dict)
    # Evidence files reported on each task.
    evidence: dict[int, int] = field(default_factory=dict)
    # The leaders' instructions on each task, oldest first: (created_at, leader, text, replies), each
    # reply (created_at, department name, text).
    instructions: dict[int, list[tuple[Any, str, str, list[tuple[Any, str, str]]]]] = field(
        default_factory=dict
    )

    def time_limit(self, task_id: int) -> str:
        """The deadlines as written, one after another (what every workbook's 完成时限 shows)."""
        return "；".join(self.deadlines.get(task_id, ()))


def load_parts(
    ids: Sequence[int],
    *,
    assignments: bool = False,
    department_id: int | None = None,
    deadlines: bool = False,
    targets: Sequence[str] = (),
    latest: bool = False,
    evidence: bool = False,
    instructions: bool = False,
) -> TaskParts:
    """The parts of tasks `ids` asked for, one query each. `department_id` narrows the assignments to
    one department's (its roles on the tasks); `targets` names the Target columns wanted."""
    parts = TaskParts()
    if assignments:
        rows = Assignment.objects.filter(among("task_id", ids))
        if department_id is not None:
            rows = rows.filter(department_id=department_id)
        parts.assignments = _by_task(
            rows.order_by("pk").values_list("task_id", "role", "collective_text", "department__name")
        )
    if deadlines:
        parts.deadlines = defaultdict(list)
        for task_id, text in (
            Deadline.objects.filter(among("task_id", ids)).order_by("pk").values_list("task_id", "text")
        ):
            parts.deadlines[task_id].append(text)
    if targets:
        parts.targets = _by_task(
            Target.objects.filter(among("task_id", ids)).order_by("pk").values_list("task_id", *targets)
        )
    if latest:
        parts.latest = {
            task_id: (created_at, narrative)
            for task_id, created_at, narrative in ProgressUpdate.objects.filter(among("task_id", ids))
            .annotate(
                newest=Window(
                    RowNumber(),
                    partition_by=[F("task_id")],
                    order_by=[F("created_at").desc(), F("pk").desc()],
                )
            )
            .filter(newest=1)
            .values_list("task_id", "created_at", "narrative")
        }
    if evidence:
        parts.evidence = dict(
            Evidence.objects.filter(among("update__task_id", ids))
            .order_by()
            .values("update__task_id")
            .annotate(n=Count("pk"))
            .values_list("update__task_id", "n")
        )
    if instructions:
        parts.instructions = _instructions(ids)
    return parts


def _instructions(ids: Sequence[int]) -> dict[int, list[tuple]]:
    """Two queries: the instructions on the tasks, then the replies to them."""
    by_id: dict[int, list[tuple]] = {}
    grouped: defaultdict[int, list[tuple]] = defaultdict(list)
    for task_id, pk, created_at, first, last, username, text in (
        Instruction.objects.filter(among("task_id", ids))
        .order_by("created_at", "pk")
        .values_list(
            "task_id",
            "pk",
            "created_at",
            "author__first_name",
            "author__last_name",
            "author__username",
            "text",
        )
    ):
        # As User.__str__: the full name, else the username.
        replies: list[tuple] = []
        grouped[task_id].append((created_at, f"{first} {last}".strip() or username, text, replies))
        by_id[pk] = replies
    if by_id:
        for instruction_id, created_at, department, text in (
            InstructionReply.objects.filter(among("instruction__task_id", ids))
            .order_by("created_at", "pk")
            .values_list("instruction_id", "created_at", "department__name", "text")
        ):
            by_id[instruction_id].append((created_at, department, text))
    return grouped


def department_names(assignments: Iterable[tuple]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(leading, cooperating) department names from (role, collective, name) rows: leads before
    co-leads, each in the order the document names them; a collective assignee ("各县（区）人民政府")
    is named once, as written. Called once per row of a 100,000-row workbook: plain lists, no lookups."""
    leads: list[str] = []
    co_leads: list[str] = []
    cooperating: list[str] = []
    for role, collective, name in assignments:
        (leads if role == _LEAD else co_leads if role == _CO_LEAD else cooperating).append(collective or name)
    return tuple(dict.fromkeys(leads + co_leads)), tuple(dict.fromkeys(cooperating))
