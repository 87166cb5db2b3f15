"""Names across a whole import: a written name mapped once for every task, and names re-resolved for a region.

Pure functions on a draft (`importing.build_draft`'s shape): they take what the database said (a
department, a resolver loaded beforehand) and write nothing, so a page or a service applies them in
its own transaction.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from regions.models import Department
from regions.resolve import DepartmentResolver, normalize_name
from tasks.imports.services.form_values import value_of
from tasks.models import Assignment

MAX_NAME_MAPS = 200  # the page lists at most this many names; more fields are ignored


def written_key(assignee: dict) -> str:
    """The form two assignees share when a document writes the same name."""
    return normalize_name(assignee.get("normalized") or assignee.get("text") or "")


@dataclass
class UnmatchedName:
    """A name as written that no department stands for, with the tasks (by index) that write it."""

    key: str
    text: str
    tasks: list[int] = field(default_factory=list)
    suggestions: list[dict] = field(default_factory=list)


def unmatched_groups(draft: dict) -> list[UnmatchedName]:
    """Every unmatched name once, in the order the document first writes it."""
    groups: dict[str, UnmatchedName] = {}
    for index, task in enumerate(draft.get("tasks", [])):
        for assignee in task.get("assignees", []):
            if assignee.get("department_id") is not None:
                continue
            key = written_key(assignee)
            if not key:
                continue
            group = groups.setdefault(key, UnmatchedName(key, assignee.get("text") or key))
            if index not in group.tasks:
                group.tasks.append(index)
            if not group.suggestions:
                group.suggestions = list(assignee.get("suggestions") or [])
    return list(groups.values())


def map_name(draft: dict, key: str, department: Department, *, remember: bool = True) -> int:
    """Point every unmatched assignee written as `key` at `department`, in place; how many changed.

    `remember` makes the name an alias of the department when the import is confirmed.
    """
    changed = 0
    for task in draft.get("tasks", []):
        for assignee in task.get("assignees", []):
            if assignee.get("department_id") is None and written_key(assignee) == key:
                assignee.pop("department_input", None)
                assignee.update(
                    department_id=department.pk,
                    department=department.name,
                    suggestions=[],
                    mapped=True,
                    remember=remember,
                )
                changed += 1
    return changed


def apply_name_maps(
    draft: dict, data: Mapping, find: Callable[[str], Department | None]
) -> list[tuple[str, str]]:
    """The page's 'map once' fields (`map3-key`, `map3-name`) applied in place; the names that matched nothing."""
    unknown = []
    for n in range(MAX_NAME_MAPS):
        key = value_of(data, f"map{n}-key")
        if key is None:
            break
        name = (value_of(data, f"map{n}-name") or "").strip()
        if not name:
            continue
        department = find(name)
        if department is None:
            unknown.append((key, name))
        else:
            map_name(draft, key, department)
    return unknown


def reresolve(draft: dict, resolver: DepartmentResolver, allowed: Iterable[int]) -> dict:
    """The draft for another region: names and collective assignees resolved again in `resolver`'s region.

    A department the reviewer chose by hand stays when the new region may still assign it (`allowed`).
    """
    allowed = set(allowed)
    result = copy.deepcopy(draft)
    result["region"] = resolver.region.code
    for task in result.get("tasks", []):
        for assignee in task.get("assignees", []):
            if assignee.get("mapped") and assignee.get("department_id") in allowed:
                continue
            for key in ("department_input", "mapped", "remember"):
                assignee.pop(key, None)
            found = resolver.resolve(assignee.get("text") or "", assignee.get("normalized"))
            assignee.update(
                department_id=found.department.pk if found.department else None,
                department=found.department.name if found.department else None,
                suggestions=[{"id": d.pk, "name": d.name} for d in found.suggestions],
            )
        for item in task.get("collective", []):
            departments = resolver.collective(item.get("text") or "")
            item.update(department_ids=[d.pk for d in departments], departments=[d.name for d in departments])
    return result


def has_lead(task: dict) -> bool:
    leading = {Assignment.Role.LEAD, Assignment.Role.CO_LEAD}
    return any(
        a.get("role") in leading and a.get("department_id") is not None for a in task.get("assignees", [])
    ) or any(c.get("role") in leading and c.get("department_ids") for c in task.get("collective", []))
