"""Editing tasks: optimistic locking and the audit trail.

The office changes a task's fields, deadlines, assignments and targets through `edit_task`: everything is
validated first, then written in one transaction with one version bump and one TaskChange holding each
before and after. `update_task` (fields only) and the `replace_*` helpers are narrower doors to the same.
Other workflows (progress, completion, extensions) lock and bump the same way through `lock_task` and
`bump_version`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from regions.models import Department, Region
from tasks.access import require_editor
from tasks.models import Assignment, Deadline, Target, Task, TaskChange, TaskStatus, derived
from tasks.models.audit import field_label
from tasks.models.ledger import EvidenceRule
from tasks.numbers import parse_digits

# Fields office staff may change through update_task; the rest change through their own workflows.
EDITABLE_TASK_FIELDS = frozenset(
    {"label", "section", "text", "measures", "status", "progress", "completion_evidence"}
)
MAX_DIGITS_VALUE = Decimal("1e12")  # DecimalField(max_digits=16, decimal_places=4)


class VersionConflict(Exception):
    """Someone saved the task after the editor loaded it; the editor's save was refused.

    `current` is the task as stored now; `changes_since` the TaskChange rows written since the editor's
    version (oldest first), so the page can show who changed what.
    """

    def __init__(self, current: Task, expected_version: int, changes_since: list[TaskChange] | None = None):
        self.current = current
        self.expected_version = expected_version
        self.changes_since = (
            changes_since if changes_since is not None else _changes_since(current, expected_version)
        )
        what = "; ".join(_describe(change) for change in self.changes_since)
        message = _(
            "This task was changed by someone else (version %(expected)s → %(current)s) "
            "after you opened it. Your changes were not saved; review the current values and try again."
        ) % {"expected": expected_version, "current": current.version}
        if what:
            changed = _("Changed since: %(what)s.") % {"what": what}
            message = f"{message} {changed}"
        super().__init__(message)


def _changes_since(current: Task, expected_version: int) -> list[TaskChange]:
    # Every version bump through these services writes one TaskChange, so the newest N rows are the
    # ones since the editor's version. Capped: a page shows the latest few, not a year of history.
    count = min(max(current.version - expected_version, 0), 20)
    if not count:
        return []
    rows = TaskChange.objects.filter(task_id=current.pk).select_related("actor").order_by("-pk")[:count]
    return list(reversed(rows))


def _describe(change: TaskChange) -> str:
    who = str(change.actor) if change.actor else _("someone")
    fields = "、".join(field_label(f).lower() for f in change.changes) or change.get_action_display()
    when = timezone.localtime(change.created_at).strftime("%Y-%m-%d %H:%M")
    return f"{who} {when} {change.get_action_display()}（{fields}）"


def jsonable(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool, type(None), list, dict)):
        return value
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def lock_task(task: Task, expected_version: int | None) -> Task:
    """The stored task, locked for this transaction; VersionConflict if it moved past the editor's version."""
    current = Task.objects.select_for_update().get(pk=task.pk)
    if expected_version is not None and current.version != expected_version:
        raise VersionConflict(current, expected_version)
    return current


def bump_version(current: Task, **changes: Any) -> None:
    """Write the task's changes with the next version, conditional on the version just locked.

    The condition makes the write safe even where SELECT ... FOR UPDATE is a no-op (SQLite).
    """
    updated = Task.objects.filter(pk=current.pk, version=current.version).update(
        **changes, version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise VersionConflict(Task.objects.get(pk=current.pk), current.version)


# Validation: plain data in, clean values out, nothing written ------------------------------------


def _check_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - EDITABLE_TASK_FIELDS
    if unknown:
        raise ValueError(f"fields not editable here: {', '.join(sorted(unknown))}")
    clean = dict(fields)
    if "status" in clean and clean["status"] not in TaskStatus.values:
        raise ValidationError(_("Unknown status “%(status)s”.") % {"status": clean["status"]}, code="status")
    if "progress" in clean:
        clean["progress"] = check_percent(clean["progress"])
    if "completion_evidence" in clean and clean["completion_evidence"] not in EvidenceRule.values:
        raise ValidationError(
            _("Unknown evidence rule “%(rule)s”.") % {"rule": clean["completion_evidence"]},
            code="completion_evidence",
        )
    if "text" in clean:
        clean["text"] = str(clean["text"] or "").strip()
        if not clean["text"]:
            raise ValidationError(_("The task text cannot be empty."), code="text")
    if "measures" in clean:
        clean["measures"] = str(clean["measures"] or "").strip()
    for field, limit in (("label", 32), ("section", 200)):
        if field in clean:
            clean[field] = str(clean[field] or "").strip()
            if len(clean[field]) > limit:
                raise ValidationError(
                    _("%(field)s is longer than %(limit)s characters.")
                    % {"field": field_label(field), "limit": limit},
                    code=field,
                )
    return clean


def check_percent(value: Any) -> int:
    """A whole percentage 0-100, from an int or its digits as a string (forms send strings)."""
    # Not bool (an int); digits as parse_digits reads them ("²".isdigit() is true, int() refuses it).
    if isinstance(value, int) and not isinstance(value, bool):
        percent = value
    else:
        percent = parse_digits(value.strip()) if isinstance(value, str) else None
    if percent is None or not 0 <= percent <= 100:
        raise ValidationError(_("Progress must be a whole number from 0 to 100."), code="percent")
    return percent


def parse_decimal(value: Any, what: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or abs(number) >= MAX_DIGITS_VALUE:
        raise ValidationError(
            _("“%(value)s” is not a valid number for %(what)s.") % {"value": value, "what": what}
        )
    return number.quantize(Decimal("0.0001"))


def _parse_date(value: Any) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(_("“%(value)s” is not a date.") % {"value": value}, code="date") from None


def _check_deadlines(task: Task, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    existing = set(Deadline.objects.filter(task_id=task.pk).values_list("pk", flat=True))
    clean = []
    for row in rows:
        kind = row.get("kind") or Deadline.Kind.DATE
        if kind not in Deadline.Kind.values:
            raise ValidationError(_("Unknown kind of deadline “%(kind)s”.") % {"kind": kind}, code="deadline")
        due_on = _parse_date(row.get("due_on"))
        if kind == Deadline.Kind.DATE and due_on is None:
            raise ValidationError(_("A dated deadline needs its date."), code="deadline")
        # The form's one date field is a start's first day for a start, else the due date.
        starts_on = due_on if kind == Deadline.Kind.START else None
        if kind != Deadline.Kind.DATE:
            due_on = None
        text = str(row.get("text") or "").strip() or (
            f"{due_on.year}年{due_on.month}月{due_on.day}日前" if due_on else ""
        )
        if not text and starts_on:
            text = f"自{starts_on.year}年{starts_on.month}月{starts_on.day}日起"
        if not text or len(text) > 200:
            raise ValidationError(
                _("Each deadline needs its wording, at most 200 characters."), code="deadline"
            )
        pk = row.get("id")
        if pk is not None and pk not in existing:
            raise ValidationError(_("A deadline does not belong to this task."), code="deadline")
        year = row.get("year") or (due_on.year if due_on else starts_on.year if starts_on else None)
        clean.append(
            {"id": pk, "kind": kind, "due_on": due_on, "starts_on": starts_on, "text": text, "year": year}
        )
    return clean


def allowed_region_ids(region: Region) -> Q:
    """Departments a task of a document in `region` may be assigned to: the region, above and below."""
    chain, node = [], region
    while node is not None:
        chain.append(node.pk)
        node = node.parent
    return Q(region_id__in=chain) | Q(region__in=Region.objects.subtree(region.pk))


def _check_assignments(task: Task, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    rows = list(rows)
    ids = []
    for row in rows:
        department = row.get("department")
        ids.append(department.pk if isinstance(department, Department) else department)
        if row.get("role") not in Assignment.Role.values:
            raise ValidationError(_("Unknown assignment role “%(role)s”.") % {"role": row.get("role")})
    if len(set(ids)) != len(ids):
        raise ValidationError(_("A department is listed twice."), code="assignment")
    region = Region.objects.select_related("parent__parent").get(pk=task.document.region_id)
    allowed = {
        d.pk: d for d in Department.objects.filter(allowed_region_ids(region), pk__in=ids, is_active=True)
    }
    outside = [pk for pk in ids if pk not in allowed]
    if outside:
        names = list(Department.objects.filter(pk__in=outside).values_list("name", flat=True)) or outside
        raise ValidationError(
            _(
                "%(names)s cannot be assigned: only active departments of %(region)s, the regions above it "
                "and the regions below it may be."
            )
            % {"names": "、".join(map(str, names)), "region": region.name},
            code="assignment_region",
        )
    return [
        {
            "department": allowed[pk],
            "role": row["role"],
            "text_as_written": str(row.get("text_as_written") or allowed[pk].name)[:200],
            "collective_text": str(row.get("collective_text") or "")[:100],
        }
        for pk, row in zip(ids, rows, strict=True)
    ]


def _check_targets(task: Task, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    existing = set(Target.objects.filter(task_id=task.pk).values_list("pk", flat=True))
    clean = []
    for row in rows:
        pk = row.get("id")
        if pk is not None and pk not in existing:
            raise ValidationError(_("A target does not belong to this task."), code="target")
        text = str(row.get("text") or "").strip()
        if not text or len(text) > 300:
            raise ValidationError(_("Each target needs its wording, at most 300 characters."), code="target")
        comparator = row.get("comparator") or Target.Comparator.AT_LEAST
        if comparator not in Target.Comparator.values:
            raise ValidationError(_("Unknown comparator “%(c)s”.") % {"c": comparator}, code="target")
        item = {
            "id": pk,
            "text": text,
            "metric": str(row.get("metric") or "")[:200],
            "comparator": comparator,
            "value": parse_decimal(row.get("value"), text),
            "value_max": parse_decimal(row.get("value_max"), text),
            "baseline": parse_decimal(row.get("baseline"), text),
            "unit": str(row.get("unit") or "")[:32],
            "year": row.get("year") or None,
            "due_on": _parse_date(row.get("due_on")),
        }
        if comparator == Target.Comparator.RANGE and (
            item["value"] is None or item["value_max"] is None or item["value_max"] < item["value"]
        ):
            raise ValidationError(_("A range target needs a lower and a higher bound."), code="target")
        if comparator == Target.Comparator.CHANGE and item["baseline"] is None:
            raise ValidationError(_("A target of change needs its baseline."), code="target")
        clean.append(item)
    kept = {item["id"] for item in clean if item["id"] is not None}
    dropped_with_readings = Target.objects.filter(task_id=task.pk, readings__isnull=False).exclude(
        pk__in=kept
    )
    if dropped_with_readings.exists():
        raise ValidationError(
            _("A target with reported actual values cannot be removed; edit it instead."), code="target"
        )
    return clean


# Snapshots for the audit trail -------------------------------------------------------------------


def _deadlines_snapshot(task_id: int) -> list[dict[str, Any]]:
    return [
        {"kind": d.kind, "due_on": jsonable(d.due_on), "text": d.text, "year": d.year}
        | ({"starts_on": jsonable(d.starts_on)} if d.starts_on else {})
        for d in Deadline.objects.filter(task_id=task_id).order_by(*Deadline.ORDER)
    ]


def _assignments_snapshot(task_id: int) -> list[dict[str, Any]]:
    return [
        {"department": a.department_id, "name": a.department.name, "role": a.role}
        for a in Assignment.objects.filter(task_id=task_id).select_related("department").order_by("pk")
    ]


def _targets_snapshot(task_id: int) -> list[dict[str, Any]]:
    keys = ("text", "comparator", "value", "value_max", "baseline", "unit", "year", "due_on")
    return [
        {key: jsonable(getattr(t, key)) for key in keys}
        for t in Target.objects.filter(task_id=task_id).order_by("pk")
    ]


# Writes ------------------------------------------------------------------------------------------


def _write_deadlines(task: Task, rows: list[dict[str, Any]]) -> None:
    kept = {row["id"] for row in rows if row["id"] is not None}
    Deadline.objects.filter(task_id=task.pk).exclude(pk__in=kept).delete()
    for row in rows:
        values = {k: row[k] for k in ("kind", "due_on", "starts_on", "text", "year")}
        if row["id"] is None:
            Deadline.objects.create(task_id=task.pk, **values)
        else:
            # original_due_on stays: it records the deadline as first set, before any extension.
            Deadline.objects.filter(pk=row["id"]).update(**values)
    derived.refresh_due_on([task.pk])


def _write_assignments(task: Task, rows: list[dict[str, Any]]) -> None:
    wanted = {row["department"].pk: row for row in rows}
    Assignment.objects.filter(task_id=task.pk).exclude(department_id__in=wanted).delete()
    existing = {a.department_id: a for a in Assignment.objects.filter(task_id=task.pk)}
    for pk, row in wanted.items():
        values = {k: row[k] for k in ("role", "text_as_written", "collective_text")}
        if pk in existing:
            Assignment.objects.filter(pk=existing[pk].pk).update(**values)
        else:
            Assignment.objects.create(task_id=task.pk, department=row["department"], **values)
    derived.refresh_scope([task.pk])


def _write_targets(task: Task, rows: list[dict[str, Any]]) -> None:
    kept = {row["id"] for row in rows if row["id"] is not None}
    Target.objects.filter(task_id=task.pk).exclude(pk__in=kept).delete()
    current = {t.pk: t for t in Target.objects.filter(task_id=task.pk)}
    for row in rows:
        target = current.get(row["id"]) or Target(task_id=task.pk)
        for key, value in row.items():
            if key != "id":
                setattr(target, key, value)
        target.save()  # save() re-derives `attained` from the new value and the kept latest actual


@transaction.atomic
def edit_task(
    task: Task,
    user,
    *,
    expected_version: int,
    fields: Mapping[str, Any] | None = None,
    deadlines: list[Mapping[str, Any]] | None = None,
    assignments: list[Mapping[str, Any]] | None = None,
    targets: list[Mapping[str, Any]] | None = None,
) -> Task:
    """The office's full edit: everything validated, then written with one version bump and one TaskChange.

    `None` leaves that part alone; a list replaces it (rows with an "id" are kept and updated, the rest
    are removed or created). Raises NotPermitted for other roles, Task.DoesNotExist out of scope,
    ValidationError for bad input and VersionConflict for a stale version — each before writing anything.
    """
    require_editor(user, task)
    clean_fields = _check_fields(fields or {})
    clean_deadlines = _check_deadlines(task, deadlines) if deadlines is not None else None
    clean_assignments = _check_assignments(task, assignments) if assignments is not None else None
    clean_targets = _check_targets(task, targets) if targets is not None else None

    current = lock_task(task, expected_version)
    diff = {
        field: [jsonable(getattr(current, field)), jsonable(value)]
        for field, value in clean_fields.items()
        if getattr(current, field) != value
    }
    for name, clean, snapshot, write in (
        ("deadlines", clean_deadlines, _deadlines_snapshot, _write_deadlines),
        ("assignments", clean_assignments, _assignments_snapshot, _write_assignments),
        ("targets", clean_targets, _targets_snapshot, _write_targets),
    ):
        if clean is None:
            continue
        before = snapshot(current.pk)
        write(current, clean)
        after = snapshot(current.pk)
        if before != after:
            diff[name] = [before, after]
    extra = {}
    if "status" in diff and current.returned_reason:
        extra["returned_reason"] = ""  # the office settled the task's status itself: no longer 已退回
    bump_version(current, **clean_fields, **extra)
    if diff:
        TaskChange.objects.create(task=current, actor=user, action=TaskChange.Action.UPDATED, changes=diff)
    task.refresh_from_db()
    return task


def update_task(task: Task, *, expected_version: int, user, **changes: Any) -> Task:
    """Change a task's fields if nobody else changed it since `expected_version`; record who did what."""
    unknown = set(changes) - EDITABLE_TASK_FIELDS
    if unknown:
        raise ValueError(f"fields not editable here: {', '.join(sorted(unknown))}")
    return edit_task(task, user, expected_version=expected_version, fields=changes)


def replace_deadlines(task: Task, user, *, expected_version: int, deadlines: list[Mapping[str, Any]]) -> Task:
    """Replace the task's deadlines (dicts of kind, due_on, text, year and optionally the id to keep)."""
    return edit_task(task, user, expected_version=expected_version, deadlines=deadlines)


def replace_assignments(
    task: Task, user, *, expected_version: int, assignments: list[Mapping[str, Any]]
) -> Task:
    """Replace the responsible departments (dicts of department and role); only departments of the
    document's region, the regions above it and those below it."""
    return edit_task(task, user, expected_version=expected_version, assignments=assignments)


def replace_targets(task: Task, user, *, expected_version: int, targets: list[Mapping[str, Any]]) -> Task:
    """Replace the targets (dicts with the Target fields and optionally the id to keep)."""
    return edit_task(task, user, expected_version=expected_version, targets=targets)
