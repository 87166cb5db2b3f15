"""Laying out an import draft for the review screen: the summary, the names to map once, the tasks.

Plain data for `templates/tasks/imports/review.html`; the queries are the page's whole cost (pinned in
tests/imports/test_review_screen.py), so everything per task is computed from the draft in memory.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from regions.models import Department, Region
from tasks.imports.services.importing import find_existing_document
from tasks.imports.services.review import (
    NEW_DEPARTMENT_KINDS,
    allowed_departments,
    department_regions,
    importable_regions,
    review_problems,
    unmatched_names,
)
from tasks.imports.services.review_edits import draft_revision
from tasks.imports.services.review_names import has_lead, unmatched_groups
from tasks.models import Assignment, Deadline, DocumentImport, PolicyDocument, Target
from tasks.models.documents import completion_evidence_default

LEVEL_INDENT = {Region.Level.PROVINCE: "", Region.Level.CITY: "　", Region.Level.COUNTY: "　　"}
LOW_CONFIDENCE = 0.6  # below it, an item is flagged for a closer look


def _choices(choices) -> list[tuple[str, str]]:
    # Translated once per page rather than once per select.
    return [(value, str(label)) for value, label in choices]


def _is_date(value) -> bool:
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def confidence(entry: dict) -> dict | None:
    """The badge of an entry another step rated (`confidence`, 0..1, and `confidence_reason`); None if unrated."""
    value = entry.get("confidence")
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        return None
    return {
        "percent": round(value * 100),
        "reason": str(entry.get("confidence_reason") or ""),
        "low": value < LOW_CONFIDENCE,
    }


def _flags(task: dict, assignees: list[dict], deadlines: list[dict], rating: dict | None) -> list[dict]:
    flags = []
    if not has_lead(task):
        flags.append({"code": "no-lead", "label": _("No lead")})
    unknown = sum(1 for a in assignees if a["unmatched"])
    if unknown:
        flags.append(
            {"code": "unknown", "label": _("Unknown name") + (f" ×{unknown}" if unknown > 1 else "")}
        )
    if not deadlines:
        flags.append({"code": "no-deadline", "label": _("No deadline")})
    ratings = [rating] + [a["confidence"] for a in assignees] + [d["confidence"] for d in deadlines]
    if any(r and r["low"] for r in ratings):
        flags.append({"code": "low-confidence", "label": _("Low confidence")})
    return flags


def task_row(index: int, task: dict, top: int) -> dict:
    prefix = f"t{index}-"
    path = task.get("path") or []
    assignees = [
        {
            "prefix": f"{prefix}a{j}-",
            "item": assignee,
            "unmatched": assignee.get("department_id") is None,
            "value": assignee.get("department") or assignee.get("department_input") or "",
            "confidence": confidence(assignee),
        }
        for j, assignee in enumerate(task.get("assignees", []))
    ]
    deadlines = [
        {
            "prefix": f"{prefix}d{k}-",
            "item": deadline,
            "date_valid": _is_date(deadline.get("date")),
            "confidence": confidence(deadline),
        }
        for k, deadline in enumerate(task.get("deadlines", []))
    ]
    collective = [
        {"prefix": f"{prefix}c{k}-", "item": item, "count": len(item.get("department_ids", []))}
        for k, item in enumerate(task.get("collective", []))
    ]
    rating = confidence(task)
    return {
        "index": index,
        "prefix": prefix,
        "task": task,
        "path_label": " › ".join(path) or task.get("number") or "—",
        "depth": min(max(len(path) - top, 0), 3),
        "assignees": assignees,
        "unmatched": sum(1 for a in assignees if a["unmatched"]),
        "collective": collective,
        "deadlines": deadlines,
        "targets": [
            {"prefix": f"{prefix}g{k}-", "item": target} for k, target in enumerate(task.get("targets", []))
        ],
        "confidence": rating,
        "counts": {
            "assignees": len(assignees) + sum(c["count"] for c in collective),
            "deadlines": len(deadlines),
            "targets": len(task.get("targets", [])),
        },
        "flags": _flags(task, assignees, deadlines, rating),
    }


def region_notice(doc_import: DocumentImport, user) -> dict | None:
    """What the header says of the document's region, when it is not the region chosen at upload."""
    detected = doc_import.draft.get("detected_region")
    if not detected or detected.get("code") == doc_import.region.code:
        return None
    choices = list(importable_regions(user).order_by("code"))
    suggested = next((r for r in choices if r.code == detected["code"]), None)
    source = {
        "issuer": _("the issuer"),
        "title": _("the title"),
        "doc_number": _("the document number"),
    }.get(detected.get("source"), _("the header"))
    values = {"detected": detected.get("name"), "source": source, "chosen": doc_import.region.name}
    if suggested is None:
        message = _(
            "By %(source)s this document belongs to %(detected)s, outside the regions you may import for. "
            "It was uploaded for %(chosen)s: keep it, or choose another region of yours."
        )
    else:
        message = _(
            "By %(source)s this document belongs to %(detected)s, but it was uploaded for %(chosen)s. "
            "Choose its region before mapping names: they are matched again for the region chosen."
        )
    return {
        "message": message % values,
        "outside": suggested is None,
        "choices": [(r.pk, f"{LEVEL_INDENT.get(r.level, '')}{r.name}") for r in choices],
        "selected": suggested.pk if suggested else doc_import.region_id,
    }


def review_context(doc_import: DocumentImport, user) -> dict[str, Any]:
    draft = doc_import.draft
    region = doc_import.region
    existing = find_existing_document(region, doc_import.checksum, draft.get("doc_number"))
    tasks = draft.get("tasks", [])
    # Indent relative to the shallowest task: headings like "一、" are sections, not tasks.
    top = min((len(t.get("path") or []) for t in tasks), default=0)
    rows = [task_row(index, task, top) for index, task in enumerate(tasks)]
    return {
        "doc_import": doc_import,
        "draft": draft,
        "revision": draft_revision(draft),
        "region": region,
        "region_notice": region_notice(doc_import, user),
        "existing": existing,
        "same_file": existing is not None and existing.checksum == doc_import.checksum,
        "rows": rows,
        "with_problems": sum(1 for row in rows if row["flags"]),
        "unmatched": unmatched_names(draft),
        "name_groups": unmatched_groups(draft),
        "problems": review_problems(draft),
        "departments": allowed_departments(region),
        "department_regions": [
            (r.pk, f"{LEVEL_INDENT.get(r.level, '')}{r.name}") for r in department_regions(user, region)
        ],
        "department_kinds": [(k, str(Department.Kind(k).label)) for k in NEW_DEPARTMENT_KINDS],
        "issued_on_valid": not draft.get("issued_on") or _is_date(draft.get("issued_on")),
        "role_choices": _choices(Assignment.Role.choices),
        "kind_choices": _choices(Deadline.Kind.choices),
        "op_choices": _choices(Target.Comparator.choices),
        "document_kinds": _choices(PolicyDocument.Kind.choices),
        # What the import will set: the reviewer's choice, else the document's rule, else the setting.
        "completion_evidence_required": draft.get(
            "completion_evidence_required",
            existing.completion_evidence_required if existing is not None else completion_evidence_default(),
        ),
    }
