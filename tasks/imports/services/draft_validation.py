"""Checking a reviewed draft before anything is written: every problem, each with where it is."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from regions.models import Department, Region
from tasks.models import Deadline
from tasks.models.ledger import ROLE_RANK

OPS = {">=", "<=", "=", "range", "change"}


def _date(value: Any, where: str, errors: list[str]) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors.append(
            _("%(where)s: %(value)s is not a valid date (YYYY-MM-DD).") % {"where": where, "value": value}
        )
        return None


def parse_decimal(value: Any, where: str, errors: list[str]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        errors.append(_("%(where)s: %(value)s is not a number.") % {"where": where, "value": value})
        return None
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        errors.append(_("%(where)s: %(value)s is out of range.") % {"where": where, "value": value})
        return None
    return number


def _label(index: int, task: dict) -> str:
    return _("Task %(index)s (%(number)s)") % {"index": index + 1, "number": task.get("number") or "—"}


def allowed_departments(region: Region, draft: dict) -> dict[int, Department]:
    """Departments the draft may assign: those of the region, the regions above it and below it."""
    wanted = {a.get("department_id") for t in draft["tasks"] for a in t.get("assignees", [])}
    wanted |= {
        i for t in draft["tasks"] for c in t.get("collective", []) for i in c.get("department_ids", [])
    }
    wanted.discard(None)
    chain = []
    node = region
    while node is not None:
        chain.append(node.pk)
        node = node.parent
    scope = Q(region_id__in=chain) | Q(region__in=Region.objects.subtree(region))
    return {d.pk: d for d in Department.objects.filter(scope, pk__in=wanted, is_active=True)}


def validate_draft(draft: dict, region: Region) -> list[str]:
    errors: list[str] = []
    if not (draft.get("title") or "").strip():
        errors.append(_("The document has no title."))
    if not draft.get("tasks"):
        errors.append(_("The document has no tasks to import."))
    _date(draft.get("issued_on"), _("Date of issue"), errors)
    allowed = allowed_departments(region, draft)
    for index, task in enumerate(draft.get("tasks", [])):
        where = _label(index, task)
        if not (task.get("text") or "").strip():
            errors.append(_("%(where)s has no text.") % {"where": where})
        if not isinstance(task.get("measures") or "", str):
            errors.append(_("%(where)s: the measures must be text.") % {"where": where})
        for assignee in task.get("assignees", []):
            if assignee.get("role") not in ROLE_RANK:
                errors.append(
                    _("%(where)s: unknown role %(role)s.") % {"where": where, "role": assignee.get("role")}
                )
            dept = assignee.get("department_id")
            if dept is not None and dept not in allowed:
                errors.append(
                    _("%(where)s: %(name)s is mapped to a department outside this document's region.")
                    % {"where": where, "name": assignee.get("text")}
                )
        for item in task.get("collective", []):
            if any(i not in allowed for i in item.get("department_ids", [])):
                errors.append(
                    _("%(where)s: %(name)s is mapped to a department outside this document's region.")
                    % {"where": where, "name": item.get("text")}
                )
        for deadline in task.get("deadlines", []):
            if deadline.get("kind") not in Deadline.Kind.values:
                errors.append(
                    _("%(where)s: unknown deadline kind %(kind)s.")
                    % {"where": where, "kind": deadline.get("kind")}
                )
            _date(deadline.get("date"), where, errors)
        for target in task.get("targets", []):
            if target.get("op") not in OPS:
                errors.append(
                    _("%(where)s: unknown comparator %(op)s.") % {"where": where, "op": target.get("op")}
                )
            for key in ("value", "upper", "baseline"):
                parse_decimal(target.get(key), where, errors)
    return errors
